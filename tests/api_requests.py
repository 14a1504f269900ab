"""The API requests more than one suite sends: bodies in the shapes of the docs' examples (debts,
customers, collections), and the calls that send them."""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from debtload.domain.tenants import Principal
from tests.helpers import ADMIN, Invoke, body_of, call

# ---- debts


def batch(invoke: Invoke, body: Any, principal: Principal = ADMIN, **kwargs: Any) -> dict[str, Any]:
    return call(invoke, "POST", "/debts/batch", principal, body=body, **kwargs)


def debt(i: int, **changes: Any) -> dict[str, Any]:
    return {
        "firstname": "Jean",
        "lastname": "Dupont",
        "civility": "M.",
        "phone": f"06123456{i:02d}",
        "email": f"jean.dupont{i}@example.com",
        "amount": 150.5,
        "currency": "EUR",
        "temp_id": f"t-{i}",
        **changes,
    }


# ---- campaigns and customers


def make_campaign(invoke: Invoke, service_type: str = "debt_collection", **extra: Any) -> str:
    response = call(
        invoke, "POST", "/campaigns", body={"name": "Relance", "service_type": service_type, **extra}
    )
    assert response["statusCode"] == 201, response["body"]
    return str(body_of(response)["id"])


def seed_record(i: int, **changes: Any) -> dict[str, Any]:
    """The seed's example record shape, with realistic values."""
    return {
        "loan_id": f"LN-{i:05d}",
        "first_name": "Jean",
        "last_name": "Dupont",
        "phone_number": f"+3361234{i:04d}",
        "loan_amount": 1250.5,
        "emi_amount": 120,
        "loan_period": 12,
        "current_emi": 3,
        "emi_due_date": "2026-04-05",
        "payment_status": "overdue",
        "language": "fr",
        **changes,
    }


def add(invoke: Invoke, body: Any, principal: Principal = ADMIN, **kwargs: Any) -> dict[str, Any]:
    return call(invoke, "POST", "/customers/add/bulk", principal, body=body, **kwargs)


# ---- collections

SEED_BODY = json.loads(
    '{"collections":[{"amount":500,"mandate":{"reference":"ABC123DEF","scheme":"core","signature_date":"2022-12-01",'
    '"debtor":{"name":"John Doe","iban":"FR2512739000308553756377J95","address":{"street":"rue de la Boétie",'
    '"building_number":"42","postal_code":"75008","city":"Paris","country":"FR"}},"contract_reference":"CUST-1234"},'
    '"scheduled_date":"2022-12-05","local_iban":"FR6430003000509825397888D64","message":"invoice no12345",'
    '"end_to_end_id":"b0bfb42baa2642c2af0ca3e880fcd590","internal_note":"phone bill","custom_id":"637406efda8534de8c0e",'
    '"custom_metadata":"This is some metadata"}]}'
)


def next_saturday() -> date:
    today = datetime.now(UTC).date() + timedelta(days=7)
    return today + timedelta(days=(5 - today.weekday()) % 7)


def collection(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(SEED_BODY["collections"][0])
    body["scheduled_date"] = next_saturday().isoformat()
    body.update(changes)
    return body
