"""What the api routes need, built once per process by the handler and passed to every router."""

from __future__ import annotations

from dataclasses import dataclass

from debtload.adapters.dynamodb.table import DynamoTable
from debtload.adapters.dynamodb.tenants import DynamoTenantRepository
from debtload.config import Config


@dataclass(frozen=True, slots=True)
class ApiDependencies:
    config: Config
    tenants: DynamoTenantRepository

    @classmethod
    def from_config(cls, config: Config) -> ApiDependencies:
        return cls(config=config, tenants=DynamoTenantRepository(DynamoTable(config.table_name)))
