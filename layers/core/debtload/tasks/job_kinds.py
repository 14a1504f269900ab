"""The row processor of each job kind. A resource registers its kind here.

The processors' modules are imported when the worker builds them, not when this module is
imported: the file_import function only needs the kinds' names, and should not load every
resource's validation (phonenumbers, schwifty, holidays...) at its cold start.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from debtload.adapters.dynamodb.table import DynamoTable
    from debtload.config import Config
    from debtload.domain.jobs.ports import RowProcessor

NOTES: Final = "notes"
DEBTS: Final = "debts"
CUSTOMERS: Final = "customers"
COLLECTIONS: Final = "collections"
IMPORTABLE_KINDS: Final = frozenset({NOTES, DEBTS, CUSTOMERS, COLLECTIONS})


def build_row_processors(config: Config, table: DynamoTable) -> dict[str, RowProcessor]:
    from debtload.adapters.dynamodb.call_runs import DynamoCallRunStore
    from debtload.adapters.dynamodb.campaigns import DynamoCampaignStore
    from debtload.adapters.dynamodb.cases import DynamoCaseStore
    from debtload.adapters.dynamodb.collections import DynamoCollectionStore
    from debtload.adapters.dynamodb.debts import DynamoDebtStore, DynamoTimelineStore
    from debtload.adapters.dynamodb.tenants import DynamoTenantRepository
    from debtload.adapters.stepfunctions_starter import StepFunctionsCallRunStarter
    from debtload.domain import ingestion
    from debtload.domain.campaigns import customer_rows
    from debtload.domain.collections.bulks import CollectionsRowProcessor
    from debtload.domain.debts.batch import BatchServices
    from debtload.domain.debts.job_rows import DebtsRowProcessor
    from debtload.validation.email import check_deliverability

    tenants = DynamoTenantRepository(table)
    debts = BatchServices(
        debts=DynamoDebtStore(table),
        timelines=DynamoTimelineStore(table),
        credits=tenants,
        check_emails=check_deliverability,
        prices=config.call_prices,
    )
    return {
        NOTES: ingestion.NotesRowProcessor(DynamoCaseStore(table)),
        DEBTS: DebtsRowProcessor(debts),
        CUSTOMERS: customer_rows.CustomersRowProcessor(
            DynamoCampaignStore(table),
            DynamoCallRunStore(table),
            StepFunctionsCallRunStarter(config.initiate_calls_state_machine_arn),
            config.call_batch_size,
        ),
        COLLECTIONS: CollectionsRowProcessor(DynamoCollectionStore(table), tenants),
    }
