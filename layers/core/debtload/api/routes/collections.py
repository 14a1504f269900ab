"""SEPA collections (the bank's bulk collections API): bulks on the job engine, single collections,
cancellation, and the pain.008 bank-file exports."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.creating import OperationResult, create, idempotency_key
from debtload.api.dependencies import ApiDependencies
from debtload.api.principal import principal_from_event
from debtload.domain import request_ids
from debtload.domain.collections import approval, bulks
from debtload.domain.collections.cancel import cancel_collection
from debtload.domain.collections.model import FAILED, STATUSES
from debtload.domain.collections.processing import Incoming, process
from debtload.domain.errors import BadRequest, NotFound, Unprocessable
from debtload.domain.jobs.model import JobRow
from debtload.domain.tenants import Principal


class CollectionFailed(Unprocessable):
    """A collection that breaks a rule: the error's code is the collection's failure_code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, {"failure_code": code})
        self.code = code


def make_router(deps: ApiDependencies) -> APIGatewayRouter:
    router = APIGatewayRouter()
    store = deps.collections
    table = deps.config.table_name

    @router.post("/collections/bulks", tags=["collections"], summary="Queue up to 5,000 SEPA collections")
    def create_bulk() -> Response[Any]:
        def operation(principal: Principal, body: Any, dry_run: bool) -> OperationResult:
            collections = bulks.validate_envelope(body)
            held = bulks.requires_approval(body, deps.tenants.get_settings(principal.tenant_id))
            if dry_run:
                now = datetime.now(UTC)
                checked = process(
                    store,
                    principal.tenant_id,
                    [Incoming(f"dry-run-{i}", c) for i, c in enumerate(collections)],
                    today=bulks.today_cet(now),
                    creditor_id=deps.tenants.get_settings(principal.tenant_id).get("sepa_creditor_id"),
                    now=now.isoformat(),
                    dry_run=True,
                )
                return OperationResult(200, bulks.dry_run_report(checked))
            job = deps.submitter.submit(
                principal.tenant_id,
                bulks.KIND,
                [JobRow(i, c) for i, c in enumerate(collections)],
                source="api",
                options=bulks.approval_options(principal.key_id) if held else None,
                job_id=request_ids.collection_bulk_id(
                    principal.tenant_id, idempotency_key(router), dry_run=dry_run
                ),
            )
            return OperationResult(200, bulks.bulk_view(job, 0))

        return create(router, table, operation)

    def bulk_job(principal: Principal, bulk_id: str) -> Any:
        job = deps.jobs.get_job(principal.tenant_id, bulk_id)
        if job is None or job.kind != bulks.KIND:
            raise NotFound("Bulk not found")
        return job

    @router.get("/collections/bulks/<bulk_id>", tags=["collections"], summary="A bulk's live counts")
    def get_bulk(bulk_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        job = bulk_job(principal, bulk_id)
        return bulks.bulk_view(job, store.bulk_canceled(principal.tenant_id, bulk_id))

    def decide(bulk_id: str, decision: str) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        return approval.decide(
            deps.jobs, store, deps.publisher, principal, bulk_id, decision, datetime.now(UTC).isoformat()
        )

    @router.post(
        "/collections/bulks/<bulk_id>/approve",
        tags=["collections"],
        summary="Approve a bulk awaiting approval (another key)",
    )
    def approve_bulk(bulk_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
        return decide(bulk_id, bulks.APPROVED)

    @router.post(
        "/collections/bulks/<bulk_id>/reject",
        tags=["collections"],
        summary="Reject a bulk awaiting approval (another key)",
    )
    def reject_bulk(bulk_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
        return decide(bulk_id, bulks.REJECTED)

    @router.get(
        "/collections/bulks/<bulk_id>/collections", tags=["collections"], summary="A bulk's collections"
    )
    def list_bulk(
        bulk_id: Annotated[str, Path(max_length=64)],
        status: Annotated[str | None, Query(max_length=16)] = None,
        page_token: Annotated[str | None, Query(max_length=2048)] = None,
        size: Annotated[int, Query(ge=1, le=100)] = 20,
    ) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        bulk_job(principal, bulk_id)
        if status is not None and status not in STATUSES:
            raise BadRequest("Unknown status", {"status": f"one of {', '.join(STATUSES)}"})
        try:
            page, next_token, prev_token = store.list_bulk(
                principal.tenant_id, bulk_id, status, page_token, size
            )
        except ValueError as error:
            raise BadRequest("Invalid page_token", {"page_token": str(error)}) from error
        return {
            "results": [c.to_json() for c in page],
            "next_page_token": next_token,
            "prev_page_token": prev_token,
        }

    @router.post("/collections", tags=["collections"], summary="Create one SEPA collection, synchronously")
    def create_collection() -> Response[Any]:
        def operation(principal: Principal, body: Any, dry_run: bool) -> OperationResult:
            if not isinstance(body, dict):
                raise BadRequest(
                    "The request body must be a JSON object (one collection)", {"body": "must be an object"}
                )
            now = datetime.now(UTC)
            collection_id = request_ids.collection_id(
                principal.tenant_id, idempotency_key(router), dry_run=dry_run
            )
            (collection,) = process(
                store,
                principal.tenant_id,
                [Incoming(collection_id, body)],
                today=bulks.today_cet(now),
                creditor_id=deps.tenants.get_settings(principal.tenant_id).get("sepa_creditor_id"),
                now=now.isoformat(),
                dry_run=dry_run,
            )
            if collection.status == FAILED:
                raise CollectionFailed(str(collection.failure_code), str(collection.failure_message))
            return OperationResult(201, collection.to_json())

        return create(router, table, operation)

    @router.get("/collections/<collection_id>", tags=["collections"], summary="Read one collection")
    def get_collection(collection_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        collection = store.get(principal.tenant_id, collection_id)
        if collection is None:
            raise NotFound("Collection not found")
        return collection.to_json()

    @router.post(
        "/collections/<collection_id>/cancel",
        tags=["collections"],
        summary="Cancel a collection not yet exported",
    )
    def cancel(collection_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        canceled = cancel_collection(store, principal.tenant_id, collection_id, datetime.now(UTC).isoformat())
        return canceled.to_json()

    return router
