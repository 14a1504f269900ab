"""POST /ingestion-jobs and GET /ingestion-jobs/{jobId}: the Ingestion Jobs API's shapes and
integer statuses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.creating import OperationResult, create
from debtload.api.dependencies import ApiDependencies
from debtload.api.principal import principal_from_event
from debtload.domain import ingestion, request_ids
from debtload.domain.errors import NotFound
from debtload.domain.jobs.model import JobRow
from debtload.domain.tenants import Principal


def make_router(deps: ApiDependencies) -> APIGatewayRouter:
    router = APIGatewayRouter()
    store = deps.cases

    @router.post("/ingestion-jobs", tags=["ingestion"], summary="Queue up to 1,000 case notes; poll the job")
    def submit() -> Response[Any]:
        def operation(principal: Principal, body: Any, dry_run: bool) -> OperationResult:
            rows = ingestion.validate_envelope(body)
            if dry_run:
                results = ingestion.check_rows(store, principal.tenant_id, "dry-run", rows, datetime.now(UTC))
                report = [
                    {"row": i, "ok": r.note is not None, "error": r.error} for i, r in enumerate(results)
                ]
                return OperationResult(
                    200,
                    {"jobId": None, "rowsQueued": len(rows), "dryRun": True, "rows": report},
                )
            job = deps.submitter.submit(
                principal.tenant_id,
                ingestion.KIND,
                [JobRow(i, row) for i, row in enumerate(rows)],
                source="api",
                job_id=request_ids.ingestion_job_id(),
            )
            return OperationResult(202, {"jobId": job.job_id, "rowsQueued": job.rows_total})

        return create(router, deps.config.table_name, operation)

    @router.get("/ingestion-jobs/<job_id>", tags=["ingestion"], summary="Status of an ingestion job")
    def status(job_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        job = deps.jobs.get_job(principal.tenant_id, job_id)
        if job is None or job.kind != ingestion.KIND:
            raise NotFound("Job not found")
        return ingestion.job_view(job)

    return router
