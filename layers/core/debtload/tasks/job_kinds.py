"""The row processor of each job kind. A resource registers its kind here."""

from __future__ import annotations

from debtload.adapters.dynamodb.cases import DynamoCaseStore
from debtload.adapters.dynamodb.table import DynamoTable
from debtload.config import Config
from debtload.domain import ingestion
from debtload.domain.jobs.ports import RowProcessor


def build_row_processors(config: Config, table: DynamoTable) -> dict[str, RowProcessor]:
    return {ingestion.KIND: ingestion.NotesRowProcessor(DynamoCaseStore(table))}
