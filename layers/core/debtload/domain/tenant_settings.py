"""Per-tenant settings, such as the SEPA creditor identifier that collections need."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field


class TenantSettingsPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    sepa_creditor_id: str | None = Field(default=None, max_length=35)
    creditor_name: str | None = Field(default=None, min_length=1, max_length=70)


class TenantSettingsRepository(Protocol):
    def get_settings(self, tenant_id: str) -> dict[str, Any]: ...

    def update_settings(self, tenant_id: str, changes: Mapping[str, Any]) -> dict[str, Any]: ...


def update_settings(
    repo: TenantSettingsRepository, tenant_id: str, patch: TenantSettingsPatch
) -> dict[str, Any]:
    changes = patch.model_dump(exclude_unset=True)
    if "sepa_creditor_id" in changes and changes["sepa_creditor_id"] is not None:
        changes["sepa_creditor_id"] = changes["sepa_creditor_id"].replace(" ", "").upper()
    if not changes:
        return repo.get_settings(tenant_id)
    return repo.update_settings(tenant_id, changes)
