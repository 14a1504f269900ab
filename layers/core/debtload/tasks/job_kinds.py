"""The row processor of each job kind. A resource registers its kind here."""

from __future__ import annotations

from debtload.adapters.dynamodb.call_runs import DynamoCallRunStore
from debtload.adapters.dynamodb.campaigns import DynamoCampaignStore
from debtload.adapters.dynamodb.cases import DynamoCaseStore
from debtload.adapters.dynamodb.collections import DynamoCollectionStore
from debtload.adapters.dynamodb.debts import DynamoDebtStore, DynamoTimelineStore
from debtload.adapters.dynamodb.table import DynamoTable
from debtload.adapters.dynamodb.tenants import DynamoTenantRepository
from debtload.adapters.stepfunctions_starter import StepFunctionsCallRunStarter
from debtload.config import Config
from debtload.domain import customer_rows, ingestion
from debtload.domain.collections import bulks
from debtload.domain.debts import job_rows
from debtload.domain.debts.batch import BatchServices
from debtload.domain.jobs.ports import RowProcessor
from debtload.validation.email import check_deliverability


def build_row_processors(config: Config, table: DynamoTable) -> dict[str, RowProcessor]:
    debts = BatchServices(
        debts=DynamoDebtStore(table),
        timelines=DynamoTimelineStore(table),
        credits=DynamoTenantRepository(table),
        check_emails=check_deliverability,
        prices=config.call_prices,
    )
    return {
        ingestion.KIND: ingestion.NotesRowProcessor(DynamoCaseStore(table)),
        job_rows.KIND: job_rows.DebtsRowProcessor(debts),
        bulks.KIND: bulks.CollectionsRowProcessor(
            DynamoCollectionStore(table), DynamoTenantRepository(table)
        ),
        customer_rows.KIND: customer_rows.CustomersRowProcessor(
            DynamoCampaignStore(table),
            DynamoCallRunStore(table),
            StepFunctionsCallRunStarter(config.initiate_calls_state_machine_arn),
            config.call_batch_size,
        ),
    }
