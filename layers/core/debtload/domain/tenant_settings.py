"""Per-tenant settings, such as the SEPA creditor identifier that collections need."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from debtload.domain.errors import ValidationFailed
from debtload.validation.iban import check_creditor_identifier


class TenantSettingsPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    sepa_creditor_id: str | None = Field(default=None, max_length=35)
    creditor_name: str | None = Field(default=None, min_length=1, max_length=70)
    # Every bulk of the tenant waits for a second key's approval (decision 88).
    collections_require_approval: bool | None = None


class TenantSettingsRepository(Protocol):
    def get_settings(self, tenant_id: str) -> dict[str, Any]: ...

    def update_settings(self, tenant_id: str, changes: Mapping[str, Any]) -> dict[str, Any]: ...


def update_settings(
    repo: TenantSettingsRepository, tenant_id: str, patch: TenantSettingsPatch
) -> dict[str, Any]:
    changes = patch.model_dump(exclude_unset=True)
    if changes.get("sepa_creditor_id") is not None:
        checked = check_creditor_identifier(changes["sepa_creditor_id"])
        if not checked.ok:
            raise ValidationFailed("Invalid SEPA creditor identifier", {"sepa_creditor_id": checked.error})
        changes["sepa_creditor_id"] = checked.normalized
    if not changes:
        return repo.get_settings(tenant_id)
    return repo.update_settings(tenant_id, changes)
