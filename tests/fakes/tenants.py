"""The tenants port in memory: tenants, their hashed keys and their opening credits."""

from __future__ import annotations

from dataclasses import replace

from debtload.domain.tenants import ApiKeyRecord, Tenant


class MemoryTenants:
    def __init__(self) -> None:
        self.tenants: dict[str, Tenant] = {}
        self.keys: dict[tuple[str, str], ApiKeyRecord] = {}
        self.credits: dict[str, int] = {}

    def create_tenant(self, tenant: Tenant, key: ApiKeyRecord, initial_credits: int) -> None:
        self.tenants[tenant.tenant_id] = tenant
        self.keys[(key.tenant_id, key.key_hash)] = key
        self.credits[tenant.tenant_id] = initial_credits

    def find_api_key(self, tenant_id: str, key_hash: str) -> ApiKeyRecord | None:
        return self.keys.get((tenant_id, key_hash))

    def add_api_key(self, key: ApiKeyRecord) -> None:
        self.keys[(key.tenant_id, key.key_hash)] = key

    def get_tenant(self, tenant_id: str) -> Tenant | None:
        return self.tenants.get(tenant_id)

    def list_api_keys(self, tenant_id: str) -> list[ApiKeyRecord]:
        return [record for (owner, _), record in self.keys.items() if owner == tenant_id]

    def revoke_api_key(self, tenant_id: str, key_hash: str) -> None:
        self.keys[(tenant_id, key_hash)] = replace(self.keys[(tenant_id, key_hash)], revoked=True)
