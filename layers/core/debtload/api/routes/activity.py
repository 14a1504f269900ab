"""GET /jobs: every bulk operation of the tenant, newest first, in one shape (file imports, debts
batches, ingestion jobs, collections bulks, call runs); GET /jobs/{id}: one of them, with its
timings, columns and reports (domain/activity.py, decision 92)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from debtload.api.contract.activity import ActivityKind, ActivityStatus, ActivityType
from debtload.api.dependencies import ApiDependencies
from debtload.api.principal import principal_from_event
from debtload.domain import activity
from debtload.domain.errors import BadRequest


def make_router(deps: ApiDependencies) -> APIGatewayRouter:
    router = APIGatewayRouter()

    @router.get("/jobs", tags=["jobs"], summary="Every import and job, newest first")
    def list_jobs(
        name: Annotated[str | None, Query(max_length=200)] = None,
        status: Annotated[ActivityStatus | None, Query()] = None,
        kind: Annotated[ActivityKind | None, Query()] = None,
        type: Annotated[ActivityType | None, Query()] = None,
        file_key: Annotated[str | None, Query(max_length=1024)] = None,
        cursor: Annotated[str | None, Query(max_length=4096)] = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        query = activity.ActivityQuery(
            name=name or None, status=status, kind=kind, type=type, file_key=file_key
        )
        try:
            items, next_cursor = activity.list_activity(deps.activity, principal, query, limit, cursor)
        except ValueError as error:
            raise BadRequest("Invalid cursor", {"cursor": str(error)}) from error
        return {"results": items, "next_cursor": next_cursor}

    @router.get(
        "/jobs/<job_id>", tags=["jobs"], summary="One import or job: counts, timings, columns, reports"
    )
    def get_job(job_id: Annotated[str, Path(max_length=64)]) -> dict[str, Any]:
        principal = principal_from_event(router.current_event.raw_event)
        item = activity.activity_detail(deps.activity, principal, job_id)
        # A customers file's calls start in runs of their own, listed under the file, not in the list.
        if item["type"] == "file_import" and item["kind"] == "customers" and item.get("job_id"):
            item["call_runs"] = deps.call_runs.runs_of_job(principal.tenant_id, str(item["job_id"]))
        return item

    return router
