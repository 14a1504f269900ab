"""POST /campaigns and GET /campaigns/{id}: the campaign a customers bulk (seed 002) adds records to."""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from debtload.api.contract.operation import Operation, Reply

TAG = "campaigns"
TAG_DESCRIPTION = (
    "Calling campaigns, as the voice-agent platform has them: the service type decides which fields a "
    "customer record needs, and the call window and expensive-destination opt-in rule its calls."
)

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
ServiceType = Literal["debt_collection", "lead_generation"]
HHMM: Final = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class CampaignCallWindowRequest(BaseModel):
    """When the campaign may call: local hours (start inclusive, end exclusive) on some weekdays."""

    model_config = ConfigDict(extra="forbid")

    start: str = Field(
        pattern=HHMM, description="The first minute calls may start, HH:MM on a 24-hour clock."
    )
    end: str = Field(
        pattern=HHMM,
        description="The minute calls stop, HH:MM, not equal to `start`; before `start`, the window "
        "crosses midnight (e.g. 22:00-02:00).",
    )
    timezone: str = Field(
        "Europe/Paris", description="The IANA time zone of these hours, e.g. `Europe/Paris`."
    )
    days: list[Weekday] = Field(
        default=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
        min_length=1,
        description="The weekdays calls may be made; every day when absent.",
    )


class CampaignRequest(BaseModel):
    """A new campaign; every problem is reported at once, by field. Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="The campaign's name, 1 to 200 characters.")
    service_type: ServiceType = Field(
        description="`debt_collection` (records need loan_id, first_name, phone_number, loan_amount, "
        "emi_due_date) or `lead_generation` (lead_id, first_name, phone_number, lead_date)."
    )
    language: str | None = Field(
        None,
        pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
        description="The calls' language, a code such as `fr`, `en` or `hi-IN`.",
    )
    call_window: CampaignCallWindowRequest | None = Field(
        None, description="When calls may be made; at any time when absent."
    )
    accept_expensive_destination: bool = Field(
        False,
        description="Whether calls to DOM-TOM and Maghreb numbers (100 and 125 credits a call) are allowed "
        "for every customer (a record may still opt in).",
    )
    default_country: str = Field(
        "FR",
        pattern=r"^[A-Za-z]{2}$",
        description="The ISO 3166 alpha-2 country of phone numbers written without a country code.",
    )


class CampaignCallWindow(BaseModel):
    """The campaign's call window, with its defaults filled in."""

    start: str = Field(description="The first minute calls may start, HH:MM.")
    end: str = Field(description="The minute calls stop, HH:MM (exclusive).")
    timezone: str = Field(description="The IANA time zone of these hours.")
    days: list[Weekday] = Field(description="The weekdays calls may be made, Monday first.")


class Campaign(BaseModel):
    """A calling campaign."""

    id: str = Field(description="The campaign's id, the `campaignId` of `POST /customers/add/bulk`.")
    name: str = Field(description="The campaign's name.")
    service_type: ServiceType = Field(description="Which fields its customer records need.")
    language: str | None = Field(None, description="The calls' language; null when not set.")
    call_window: CampaignCallWindow | None = Field(
        None, description="When calls may be made; null: at any time."
    )
    accept_expensive_destination: bool = Field(
        description="Whether calls to DOM-TOM and Maghreb numbers are allowed for every customer."
    )
    default_country: str = Field(description="The country of numbers written without a country code.")
    created_at: str = Field(description="When it was created, ISO 8601 in UTC.")


REQUEST_EXAMPLE: Final = {
    "name": "Relance mars",
    "service_type": "debt_collection",
    "language": "fr",
    "call_window": {
        "start": "09:00",
        "end": "20:00",
        "timezone": "Europe/Paris",
        "days": ["mon", "tue", "wed", "thu", "fri"],
    },
    "accept_expensive_destination": False,
    "default_country": "FR",
}
CAMPAIGN_EXAMPLE: Final = {
    "id": "4b3c2d1e-0f9a-4b8c-9d7e-6f5a4b3c2d1e",
    "name": "Relance mars",
    "service_type": "debt_collection",
    "language": "fr",
    "call_window": {
        "start": "09:00",
        "end": "20:00",
        "timezone": "Europe/Paris",
        "days": ["mon", "tue", "wed", "thu", "fri"],
    },
    "accept_expensive_destination": False,
    "default_country": "FR",
    "created_at": "2026-03-01T08:00:00.000000+00:00",
}

OPERATIONS = {
    ("POST", "/campaigns"): Operation(
        operation_id="createCampaign",
        tag=TAG,
        summary="Create a calling campaign",
        description="Creates a campaign (201) that `POST /customers/add/bulk` adds customers to. Every "
        "invalid or unknown field is reported at once in the 400's `details`. An `Idempotency-Key` header "
        "makes a retry return the stored campaign (422 with another body, 409 while the first is in "
        "flight); `?dry_run=true` validates and answers the campaign without storing it.",
        responses={201: Reply("The campaign.", Campaign, example=CAMPAIGN_EXAMPLE)},
        errors=(409, 422),
        request=CampaignRequest,
        request_example=REQUEST_EXAMPLE,
    ),
    ("GET", "/campaigns/{campaign_id}"): Operation(
        operation_id="getCampaign",
        tag=TAG,
        summary="Read a campaign",
        description="One campaign of the tenant; another tenant's campaign is a 404.",
        responses={200: Reply("The campaign.", Campaign, example=CAMPAIGN_EXAMPLE)},
        errors=(400, 404),
    ),
}
