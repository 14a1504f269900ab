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
from debtload.domain import activity_items
from debtload.domain.errors import BadRequest, NotFound
from debtload.domain.file_import.report import errors_csv_layout
from debtload.domain.jobs.cancel import job_view
from debtload.domain.jobs.model import Job
from debtload.domain.spreadsheet_csv import row_outcomes_csv

# Reading a job's rows needs the read scope of what the job imports.
READ_SCOPE_BY_KIND = activity_items.READ_SCOPE_BY_KIND


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
            body = _rows_csv(deps, principal.tenant_id, job, rows)
            headers = {"Content-Disposition": f'attachment; filename="{job_id}-rows.csv"'}
            if next_cursor:
                headers["X-Next-Cursor"] = next_cursor
            return Response(
                status_code=200,
                content_type="text/csv; charset=utf-8",
                body=body,
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


def _rows_csv(deps: ApiDependencies, tenant_id: str, job: Job, rows: list[dict[str, Any]]) -> str:
    """A file import's rows in its errors.csv layout (the file's columns, `line`, `error`, its
    delimiter), so the failed rows read here are the same bytes as errors.csv and can be dropped
    back; any other job's rows with the columns of their data, `row`, `error`."""
    import_id = job.options.get("import_id")
    record = deps.imports.get_import(tenant_id, str(import_id)) if job.source == "s3" and import_id else None
    if record is None or "columns" not in record:
        return row_outcomes_csv(rows)
    columns, delimiter = errors_csv_layout(record)
    return row_outcomes_csv(rows, delimiter, columns, position="line")
