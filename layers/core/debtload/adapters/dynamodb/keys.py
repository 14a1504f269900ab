"""Every key of the single table, in one place. Each partition key starts with the tenant."""

from __future__ import annotations


def tenant_pk(tenant_id: str) -> str:
    return f"TENANT#{tenant_id}"


TENANT_SK = "TENANT"
CREDITS_SK = "CREDITS"
SETTINGS_SK = "SETTINGS"


def api_key_sk(key_hash: str) -> str:
    return f"KEY#{key_hash}"


def ledger_sk(created_at: str, entry_id: str) -> str:
    return f"LEDGER#{created_at}#{entry_id}"


def ledger_ref_sk(entry_id: str) -> str:
    return f"LEDGERREF#{entry_id}"


def call_run_sk(call_run_id: str) -> str:
    return f"CALLRUN#{call_run_id}"


def call_batch_sk(call_run_id: str, index: int) -> str:
    return f"CALLRUN#{call_run_id}#BATCH#{index:05d}"


def import_sk(import_id: str) -> str:
    return f"IMPORT#{import_id}"


def import_mapping_sk(kind: str) -> str:
    return f"IMPORTMAPPING#{kind}"


def jobs_gsi_pk(tenant_id: str) -> str:
    """GSI1 partition of a tenant's activity, newest first: its jobs, debts batches and the call runs
    of customers bulks (adapters/dynamodb/activity.py)."""
    return f"{tenant_pk(tenant_id)}#JOBS"


def debt_batch_sk(import_id: str) -> str:
    return f"DEBTBATCH#{import_id}"


def job_sk(job_id: str) -> str:
    return f"JOB#{job_id}"


def job_pk(tenant_id: str, job_id: str) -> str:
    """A job's chunk markers and row outcomes live in the job's own partition: a 100,000-row import
    writes hundreds of them, and reading them back must not walk the tenant's whole partition."""
    return f"{tenant_pk(tenant_id)}#JOB#{job_id}"


def job_chunk_sk(job_id: str, chunk: int) -> str:
    return f"JOB#{job_id}#CHUNK#{chunk:06d}"


def job_outcomes_prefix(job_id: str) -> str:
    return f"JOB#{job_id}#OUT#"


def job_outcomes_sk(job_id: str, first_row: int, part: int) -> str:
    return f"{job_outcomes_prefix(job_id)}{first_row:09d}#{part:03d}"


def event_sk(event_id: str) -> str:
    return f"EVENT#{event_id}"


WEBHOOK_SK = "WEBHOOK"


def rate_window_sk(route_class: str, window_start: int) -> str:
    return f"RATE#{route_class}#{window_start}"


def case_sk(case_id: str) -> str:
    return f"CASE#{case_id}"


def note_sk(case_id: str, note_id: str) -> str:
    return f"CASE#{case_id}#NOTE#{note_id}"


def case_notes_gsi_pk(tenant_id: str, case_id: str) -> str:
    return f"{tenant_pk(tenant_id)}#CASE#{case_id}#NOTES"


# Campaigns and their customers (the Bulk Add Customers API). A customer's key is (campaign, loan_id |
# lead_id), so re-adding a record overwrites it: the upsert the seed asks for, and idempotent retries.
def campaign_sk(campaign_id: str) -> str:
    return f"CAMPAIGN#{campaign_id}"


def campaign_customer_prefix(campaign_id: str) -> str:
    return f"CAMPAIGN#{campaign_id}#CUSTOMER#"


def campaign_customer_sk(campaign_id: str, customer_id: str) -> str:
    return f"{campaign_customer_prefix(campaign_id)}{customer_id}"


def call_batch_prefix(call_run_id: str) -> str:
    return f"CALLRUN#{call_run_id}#BATCH#"


# Debts and timelines (the Batch Create Debts API). A debt's id is derived from its internal_id when it has
# one, so the upsert by internal_id is an overwrite of the same key. GSI1 lists the debts of one import.
def debt_sk(debt_id: str) -> str:
    return f"DEBT#{debt_id}"


DEBT_PREFIX = "DEBT#"


def import_debts_gsi_pk(tenant_id: str, import_id: str) -> str:
    return f"{tenant_pk(tenant_id)}#IMPORT#{import_id}#DEBTS"


def timeline_sk(timeline_id: str) -> str:
    return f"TIMELINE#{timeline_id}"


TIMELINE_PREFIX = "TIMELINE#"


def job_call_runs_gsi_pk(tenant_id: str, job_id: str) -> str:
    """GSI1 partition of the call runs a file import started (customers files with initiate-call)."""
    return f"{tenant_pk(tenant_id)}#JOB#{job_id}#CALLRUNS"


# SEPA collections (the bank's bulk collections API). A bulk is a job; GSI1 lists a bulk's collections in row
# order. The claim items make "one debtor IBAN per mandate" and "unique end_to_end_id" conditional writes, and
# the export queue holds the confirmed collections by collection date until a bank file takes them.
def collection_sk(collection_id: str) -> str:
    return f"COLLECTION#{collection_id}"


COLLECTION_PREFIX = "COLLECTION#"


def bulk_collections_gsi_pk(tenant_id: str, bulk_id: str) -> str:
    return f"{tenant_pk(tenant_id)}#BULK#{bulk_id}"


def bulk_collection_gsi_sk(row: int) -> str:
    return f"{COLLECTION_PREFIX}{row:06d}"


def mandate_sk(reference: str) -> str:
    return f"MANDATE#{reference}"


def end_to_end_sk(e2e: str) -> str:
    return f"E2E#{e2e}"


EXPORT_QUEUE_PREFIX = "EXPORTQ#"


def export_queue_sk(collection_date: str, collection_id: str) -> str:
    return f"{EXPORT_QUEUE_PREFIX}{collection_date}#{collection_id}"


def export_sk(export_id: str) -> str:
    return f"EXPORT#{export_id}"
