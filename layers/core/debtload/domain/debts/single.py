"""One debt at a time: POST /debts (the batch rules, for one debt), GET and PATCH /debts/{id}."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from debtload.domain.debts.batch import PARIS, BatchRequest, BatchServices, run_batch
from debtload.domain.debts.fields import KNOWN_FIELDS, check_debt, destination_json
from debtload.domain.debts.model import Debt, stored_value
from debtload.domain.debts.timelines import start_date
from debtload.domain.errors import BadRequest, NotFound, Unprocessable

# Fields the service derives; a PATCH cannot set them, and they are recomputed or kept.
DERIVED_FIELDS: Final = frozenset(
    {"destination", "batch_name", "temp_id", "civility_inferred", "email_suppressed", "timeline_start_date"}
)
_TIMELINE_FIELDS: Final = frozenset({"timeline_id", "timeline_start_mode"})


class DebtInvalid(Unprocessable):
    code = "validation_failed"


def create_debt(
    services: BatchServices,
    tenant_id: str,
    body: Any,
    *,
    import_id: str,
    now: datetime,
    dry_run: bool,
) -> tuple[Debt, bool]:
    """The debt and whether it updated an existing one (same internal_id); 422 when invalid."""
    if not isinstance(body, Mapping):
        raise BadRequest("The request body must be a JSON object (one debt)", {"body": "must be an object"})
    request = BatchRequest(debts=[dict(body)], batch_name="API")
    outcome = run_batch(services, tenant_id, request, import_id=import_id, now=now, dry_run=dry_run)
    if outcome.failed:
        failed = outcome.failed[0]
        details: dict[str, Any] = dict(failed["errors"])
        if "destination" in failed:
            details["destination"] = failed["destination"]
        raise DebtInvalid("The debt is invalid", details)
    if outcome.skipped:
        raise DebtInvalid("The debt is empty", {"debt": [f"Skipped as an {outcome.skipped[0]['reason']}"]})
    return outcome.debts[0], bool(outcome.created[0].get("updated"))


def get_debt(services: BatchServices, tenant_id: str, debt_id: str) -> Debt:
    debt = services.debts.get_debt(tenant_id, debt_id)
    if debt is None:
        raise NotFound("Debt not found", {"id": debt_id})
    return debt


def patch_debt(services: BatchServices, tenant_id: str, debt_id: str, patch: Any, now: datetime) -> Debt:
    """Merge-patch semantics (null removes a field), then every rule again on the whole debt.

    internal_id cannot change: it is the debt's upsert key, and its id is derived from it. A phone
    number that the patch does not touch was accepted when the debt was created, so an expensive
    destination is not refused again.
    """
    if not isinstance(patch, Mapping) or not patch:
        raise BadRequest("The request body must be a non-empty JSON object", {"body": "must be an object"})
    unknown = sorted(str(k) for k in patch if k not in KNOWN_FIELDS or k in ("temp_id",))
    if unknown:
        raise BadRequest("Unknown or read-only fields", dict.fromkeys(unknown, "cannot be patched"))
    current = get_debt(services, tenant_id, debt_id)
    if "internal_id" in patch and patch["internal_id"] != current.internal_id:
        raise DebtInvalid(
            "internal_id cannot be changed",
            {
                "internal_id": [
                    "internal_id is the debt's upsert key and cannot be changed; create a new debt"
                ]
            },
        )
    merged = {k: v for k, v in current.fields.items() if k not in DERIVED_FIELDS}
    for name, value in patch.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    check = check_debt(merged, accept_expensive_destination="phone" not in patch, prices=services.prices)
    if check.fields is None:
        details: dict[str, Any] = dict(check.errors)
        if check.destination is not None:
            details["destination"] = destination_json(check.destination)
        raise DebtInvalid("The debt is invalid", details)
    fields = {name: stored_value(value) for name, value in check.fields.values.items()}
    for name in ("batch_name", "temp_id"):
        if name in current.fields:
            fields[name] = current.fields[name]
    if "civility" not in patch and current.fields.get("civility_inferred"):
        fields["civility_inferred"] = True
    if "email" not in patch and "email_suppressed" in current.fields:
        fields["email_suppressed"] = current.fields["email_suppressed"]
    if check.fields.destination is not None:
        fields["destination"] = destination_json(check.fields.destination)
    _timeline(services, tenant_id, fields, current, patch, check.fields.phone_region, now)
    debt = Debt(
        debt_id=current.debt_id,
        import_id=current.import_id,
        created_import_id=current.created_import_id,
        fields=fields,
        created_at=current.created_at,
        updated_at=now.isoformat(),
        patched_at=now.isoformat(),
        previous=current.previous,
    )
    services.debts.write_debts(tenant_id, [debt])
    return debt


def _timeline(
    services: BatchServices,
    tenant_id: str,
    fields: dict[str, Any],
    current: Debt,
    patch: Mapping[str, Any],
    phone_region: str | None,
    now: datetime,
) -> None:
    timeline_id = fields.get("timeline_id")
    if timeline_id is None:
        fields.pop("timeline_start_mode", None)
        return
    if not _TIMELINE_FIELDS & set(patch) and "timeline_start_date" in current.fields:
        fields["timeline_start_date"] = current.fields["timeline_start_date"]
        return
    timeline = services.timelines.get_timelines(tenant_id, [timeline_id]).get(timeline_id)
    if timeline is None:  # the seed drops a timeline the tenant does not own, silently
        fields.pop("timeline_id")
        fields.pop("timeline_start_mode", None)
        return
    mode = fields.setdefault("timeline_start_mode", "immediate")
    today = now.astimezone(PARIS).date()
    fields["timeline_start_date"] = start_date(
        mode, today, timeline, phone_region or fields.get("country")
    ).isoformat()
