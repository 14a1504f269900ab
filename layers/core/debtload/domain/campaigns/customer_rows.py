"""Campaign customers as a job kind: the rows of a file dropped under
`imports/<tenant>/customers/<campaignId>/`, a chunk at a time, through the same validation and upsert
as POST /customers/add/bulk; with `initiate-call`, each chunk's customers get their call run.

A chunk is a few hundred rows, so its call run dispatches them in batches of the configured size
(500) like the API's. The run id is derived from the job and the chunk's first row, and a run that
already exists is not created again: a redelivered chunk neither rewrites a run under way (whose
batches remember which calls were requested) nor starts a second one.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final, Protocol

from debtload.domain.calls.customer_calls import start_customer_calls
from debtload.domain.calls.ports import CallRunStarter, CallRunStore
from debtload.domain.campaigns import customers
from debtload.domain.campaigns.campaign import Campaign
from debtload.domain.jobs.model import Job, JobRow, RowOutcome

KIND: Final = "customers"
_NAMESPACE: Final = uuid.UUID("0b9f3c1e-6a43-4c1f-9a0e-3d2b7c5e8f11")


class CampaignCustomers(customers.CustomerStore, Protocol):
    def get_campaign(self, tenant_id: str, campaign_id: str) -> Campaign | None: ...

    def existing_customers(
        self, tenant_id: str, campaign_id: str, customer_ids: Sequence[str]
    ) -> set[str]: ...

    def record_job_customers(
        self, tenant_id: str, job_id: str, first_row: int, customer_ids: Sequence[str]
    ) -> None:
        """The customers a chunk adds (new to the campaign), kept once: a redelivery keeps the first's."""
        ...

    def write_import_customers(
        self,
        tenant_id: str,
        campaign_id: str,
        customers: Sequence[customers.Customer],
        updated_at: str,
        import_id: str,
    ) -> None:
        """write_customers, each marked as last written by `import_id` (what undo checks)."""
        ...


class CustomersRowProcessor:
    def __init__(
        self,
        campaigns: CampaignCustomers,
        runs: CallRunStore,
        starter: CallRunStarter,
        call_batch_size: int,
    ) -> None:
        self.campaigns = campaigns
        self.runs = runs
        self.starter = starter
        self.call_batch_size = call_batch_size

    def process(self, job: Job, rows: Sequence[JobRow]) -> list[RowOutcome]:
        campaign_id = str(job.options.get("campaignId", ""))
        campaign = self.campaigns.get_campaign(job.tenant_id, campaign_id)
        if campaign is None:
            reason = f"Campaign {campaign_id!r} no longer exists"
            return [RowOutcome(r.row, False, r.data, error=reason) for r in rows]
        valid, errors, _ = customers.validate_records([dict(r.data) for r in rows], campaign)
        updated_at = datetime.now(UTC).isoformat()
        if valid:
            ids = list(dict.fromkeys(c.customer_id for c in valid))
            there = self.campaigns.existing_customers(job.tenant_id, campaign.campaign_id, ids)
            added = [i for i in ids if i not in there]
            if added:  # before the write, so a chunk that crashed in between still knows what it added
                self.campaigns.record_job_customers(job.tenant_id, job.job_id, rows[0].row, added)
            self.campaigns.write_import_customers(
                job.tenant_id, campaign.campaign_id, valid, updated_at, job.job_id
            )
        if valid and job.options.get("initiateCall") is True:
            self._start_calls(job, campaign, rows[0].row, valid, updated_at)
        # validate_records numbers records by position in the chunk; outcomes use the file's rows.
        outcomes = [RowOutcome(rows[c.index].row, True, rows[c.index].data, ref=c.customer_id) for c in valid]
        by_position: dict[int, list[str]] = {}
        for error in errors:
            where = f"{error.field}: " if error.field else ""
            by_position.setdefault(error.index, []).append(where + error.message)
        outcomes += [
            RowOutcome(rows[i].row, False, rows[i].data, error="; ".join(messages))
            for i, messages in by_position.items()
        ]
        return sorted(outcomes, key=lambda o: o.row)

    def _start_calls(
        self, job: Job, campaign: Campaign, first_row: int, written: Sequence[customers.Customer], now: str
    ) -> None:
        call_run_id = str(uuid.uuid5(_NAMESPACE, f"{job.job_id}/{first_row}"))
        start_customer_calls(
            self.runs,
            self.starter,
            job.tenant_id,
            call_run_id,
            campaign,
            job.options.get("callConfig") or {},
            written,
            self.call_batch_size,
            now,
            accept_expensive_destination=job.options.get("accept_expensive_destination") is True,
            job_id=job.job_id,
        )
