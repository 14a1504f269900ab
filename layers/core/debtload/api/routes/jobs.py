"""GET /jobs/{id}/rows: the per-row outcome of any async job or import, as JSON pages or CSV.
POST /jobs/{id}/cancel: cancel any async job of the tenant (domain/jobs/cancel.py, decision 91)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.creating import OperationResult, idempotency_key
from debtload.api.dependencies import ApiDependencies
from debtload.api.idempotency import REPLAYED_HEADER, run_idempotently
from debtload.api.principal import principal_from_event, require_scope
from debtload.api.responses import json_response
from debtload.domain.errors import BadRequest, NotFound
from debtload.domain.jobs.cancel import job_view
from debtload.domain.spreadsheet_csv import row_outcomes_csv

# Reading a job's rows needs the read scope of what the job imports.
READ_SCOPE_BY_KIND = {
    "notes": "ingestion:read",
    "debts": "debts:read",
    "collections": "collections:read",
    "customers": "campaigns:read",
}


def make_router(deps: ApiDependencies) -> APIGatewayRouter:
    router = APIGatewayRouter()

    @router.get("/jobs/<job_id>/rows", tags=["jobs"], summary="Per-row outcome of an async job or import")
    def job_rows(
        job_id: Annotated[str, Path(max_length=64)],
        status: Annotated[Literal["failed", "succeeded"] | None, Query()] = None,
        cursor: Annotated[str | None, Query(max_length=2048)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    ) -> Response[Any]:
        principal = principal_from_event(router.current_event.raw_event)
        job = deps.jobs.get_job(principal.tenant_id, job_id)
        if job is None:
            raise NotFound("Job not found")
        require_scope(router.current_event.raw_event, READ_SCOPE_BY_KIND.get(job.kind, "imports:read"))
        try:
            rows, next_cursor = deps.jobs.list_row_outcomes(
                principal.tenant_id, job_id, status, cursor, limit
            )
        except ValueError as error:
            raise BadRequest("Invalid cursor", {"cursor": str(error)}) from error
        accept = (router.current_event.headers or {}).get("accept") or (
            router.current_event.headers or {}
        ).get("Accept", "")
        if "text/csv" in accept:
            headers = {"Content-Disposition": f'attachment; filename="{job_id}-rows.csv"'}
            if next_cursor:
                headers["X-Next-Cursor"] = next_cursor
            return Response(
                status_code=200,
                content_type="text/csv; charset=utf-8",
                body=row_outcomes_csv(rows),
                headers=headers,
            )
        return Response(
            status_code=200,
            content_type="application/json",
            body={"job_id": job_id, "results": rows, "next_cursor": next_cursor},
        )

    @router.post("/jobs/<job_id>/cancel", tags=["jobs"], summary="Cancel an async job or import")
    def cancel_job(job_id: Annotated[str, Path(max_length=64)]) -> Response[Any]:
        event = router.current_event
        principal = principal_from_event(event.raw_event)

        def operation() -> dict[str, Any]:
            job = deps.job_canceler.cancel(principal.tenant_id, job_id)
            return OperationResult(200, job_view(job)).to_record()

        # With an Idempotency-Key, a retry answers the first cancel; without one, a second is a 409.
        record = run_idempotently(
            table_name=deps.config.table_name,
            tenant_id=principal.tenant_id,
            key=idempotency_key(router),
            route=f"{event.http_method} {event.path}",
            body=None,
            context=router.lambda_context,
            operation=operation,
        )
        result = OperationResult.from_record(record)
        headers = dict(result.headers)
        if record.get("replayed"):
            headers[REPLAYED_HEADER] = "true"
        return json_response(result.status, result.body, headers)

    return router
