"""A fixed demo tenant for event files and `make invoke`: its key appears in events/*.json.

Never created by `make run` or on AWS; real tenants come from `make tenant`.
"""

from __future__ import annotations

from debtload.adapters.dynamodb.call_runs import DynamoCallRunStore
from debtload.adapters.dynamodb.cases import DynamoCaseStore
from debtload.adapters.dynamodb.jobs import DynamoJobStore, outbox_item
from debtload.adapters.dynamodb.tenants import DynamoTenantRepository
from debtload.domain.cases import Case
from debtload.domain.jobs.model import Job, JobStatus, OutboxEvent
from debtload.domain.tenants import ApiKeyRecord, Tenant, hash_key
from debtload.scopes import ALL_SCOPES

DEMO_TENANT_ID = "demo-tenant"
DEMO_API_KEY = "dlk.demo-tenant.local-demo-key-not-a-secret"
DEMO_CREDITS = 10_000
DEMO_CALL_RUN_ID = "demo-call-run"
DEMO_EVENT_ID = "evt_demo_job_completed"
DEMO_JOB_ID = "demo-job"
DEMO_CASE_IDS = ("123e4567-e89b-12d3-a456-426614174000", "456e4567-e89b-12d3-a456-426614174001")


def seed_demo_tenant(repo: DynamoTenantRepository) -> None:
    if repo.get_tenant(DEMO_TENANT_ID) is not None:
        return
    created_at = "2026-01-01T00:00:00+00:00"
    repo.create_tenant(
        Tenant(tenant_id=DEMO_TENANT_ID, name="Demo tenant", created_at=created_at),
        ApiKeyRecord(
            tenant_id=DEMO_TENANT_ID,
            key_hash=hash_key(DEMO_API_KEY),
            key_id="key_demo",
            scopes=frozenset(ALL_SCOPES),
            created_at=created_at,
        ),
        DEMO_CREDITS,
    )


def seed_demo_data(repo: DynamoTenantRepository) -> None:
    """The demo tenant plus what the event files point at: a call run of 3 customers, an outbox event, the two
    cases of the Ingestion Jobs API's example, and a job of 2 case notes whose only chunk is waiting."""
    seed_demo_tenant(repo)
    cases = DynamoCaseStore(repo.table)
    for number, case_id in enumerate(DEMO_CASE_IDS, start=1):
        cases.create_case(
            DEMO_TENANT_ID,
            Case(
                case_id,
                f"Debtor {number}",
                f"DOS-{number}",
                "100.00",
                "EUR",
                "open",
                "2026-01-01T00:00:00+00:00",
            ),
        )
    DynamoJobStore(repo.table).create_job(
        Job(
            tenant_id=DEMO_TENANT_ID,
            job_id=DEMO_JOB_ID,
            kind="notes",
            source="api",
            status=JobStatus.IN_PROGRESS,
            rows_total=2,
            chunks_total=1,
            created_at="2026-01-01T00:00:00+00:00",
            updated_at="2026-01-01T00:00:00+00:00",
        )
    )
    customers = [{"key": f"LN-{i}", "phone_number": f"+3361234567{i}"} for i in range(3)]
    DynamoCallRunStore(repo.table).create_run(
        DEMO_TENANT_ID,
        DEMO_CALL_RUN_ID,
        {
            "customers": 3,
            "batch_size": 500,
            "campaign_id": "demo-campaign",
            "call_config": {"agentId": "agent-1"},
        },
        [customers],
    )
    repo.table.put(
        outbox_item(
            OutboxEvent(
                event_id=DEMO_EVENT_ID,
                tenant_id=DEMO_TENANT_ID,
                type="job.completed",
                data={"job_id": "demo-job", "status": "completed"},
                created_at="2026-01-01T00:00:00+00:00",
            )
        )
    )
    put_demo_import_file()


# The object events/file_import_s3_put.json names: two notes for the demo cases, as a French Excel
# export would write them (cp1252, ";", DD/MM/YYYY). The event's eTag is this content's MD5.
DEMO_IMPORTS_BUCKET = "debtload-imports-123456789012-us-east-1"
DEMO_IMPORT_KEY = "imports/demo-tenant/notes/relances novembre.csv"
DEMO_IMPORT_CSV = (
    "Dossier;Commentaire;Date;Référence\r\n"
    f"{DEMO_CASE_IDS[0]};Appel : promesse de paiement le 15/02;01/02/2026;CRM-NOTE-1\r\n"
    f"{DEMO_CASE_IDS[1]};Message laissé, rappeler lundi;02/02/2026;CRM-NOTE-2\r\n"
).encode("cp1252")


def put_demo_import_file() -> None:
    from debtload.adapters import aws

    aws.client("s3").put_object(Bucket=DEMO_IMPORTS_BUCKET, Key=DEMO_IMPORT_KEY, Body=DEMO_IMPORT_CSV)
