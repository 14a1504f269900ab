"""GET /credits."""

from __future__ import annotations

from pydantic import BaseModel, Field

from debtload.api.contract.operation import Operation, Reply

TAG = "credits"
TAG_DESCRIPTION = "The tenant's credit balance and ledger: what paid operations (calls, e-mail checks) cost."


class LedgerEntry(BaseModel):
    id: str = Field(description="The ledger entry's id.")
    amount: int = Field(description="Credits: negative for a charge, positive for a top-up or refund.")
    reason: str = Field(description="What the credits were for, e.g. `debts batch`.")
    created_at: str = Field(description="When, ISO 8601 in UTC.")


class Credits(BaseModel):
    balance: int = Field(description="Credits left.")
    ledger: list[LedgerEntry] = Field(description="A page of entries, newest first.")
    next_cursor: str | None = Field(
        None, description="Pass it as `cursor` for older entries; null on the last page."
    )


OPERATIONS = {
    ("GET", "/credits"): Operation(
        operation_id="getCredits",
        tag=TAG,
        summary="Credit balance and recent ledger",
        description="The tenant's balance and its ledger, newest first, a page at a time (`limit`, 1 to 100, "
        "default 20; `cursor` from the previous page for older entries). Any valid key of the tenant may read it.",
        responses={
            200: Reply(
                "The balance and the ledger.",
                Credits,
                example={
                    "balance": 980,
                    "ledger": [
                        {
                            "id": "led_01",
                            "amount": -20,
                            "reason": "debts batch",
                            "created_at": "2026-11-30T09:12:00Z",
                        }
                    ],
                    "next_cursor": None,
                },
            )
        },
        errors=(400,),
    ),
}
