"""PATCH /settings: the tenant's settings, such as the SEPA creditor identifier collections need."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from debtload.api.contract.operation import Operation, Reply
from debtload.domain import tenant_settings

TAG = "settings"
TAG_DESCRIPTION = "The tenant's settings: the SEPA creditor identity that collections are sent under."


def _described(descriptions: Mapping[str, str]) -> Callable[[dict[str, Any]], None]:
    """Adds a description to each property of a domain model's schema, its types and limits untouched."""

    def describe(schema: dict[str, Any]) -> None:
        for name, text in descriptions.items():
            schema["properties"][name]["description"] = text

    return describe


class TenantSettingsPatch(tenant_settings.TenantSettingsPatch):
    """The settings to change: fields left out are kept, `null` removes one. Unknown fields are refused."""

    # The domain's own model, as powertools validates the body with it, with descriptions added.
    model_config = ConfigDict(
        json_schema_extra=_described(
            {
                "sepa_creditor_id": "The SEPA creditor identifier (EPC262), e.g. `FR72ZZZ123456`: checked "
                "(SEPA country, check digits) and stored without spaces, upper case.",
                "creditor_name": "The creditor's name as debtors see it on their statements.",
                "collections_require_approval": "`true`: every collections bulk waits for another key's "
                "approval (`collections:approve`) unless its request says `require_approval: false`.",
            }
        )
    )


class TenantSettings(BaseModel):
    """Every setting the tenant has; one never set is absent."""

    sepa_creditor_id: str | None = Field(None, description="The SEPA creditor identifier, normalised.")
    creditor_name: str | None = Field(None, description="The creditor's name.")
    collections_require_approval: bool | None = Field(
        None, description="Whether collections bulks wait for four-eyes approval by default."
    )


EXAMPLE = {"sepa_creditor_id": "FR72ZZZ123456", "creditor_name": "Cabinet Recouvrement Martin"}

OPERATIONS = {
    ("PATCH", "/settings"): Operation(
        operation_id="updateSettings",
        tag=TAG,
        summary="Update tenant settings",
        description="Changes the settings sent and answers all of them; an empty object changes nothing "
        "and answers the current settings. An invalid creditor identifier is a 400. Needs the "
        "`settings:write` scope.",
        responses={200: Reply("The tenant's settings, as stored now.", TenantSettings, EXAMPLE)},
        request=TenantSettingsPatch,
        request_example=EXAMPLE,
    ),
}
