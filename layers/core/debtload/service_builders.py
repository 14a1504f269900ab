"""How the services both composition roots use are built from their adapters: one definition each,
called by `api/dependencies.py` (the api function) and `tasks/wiring.py` (the task functions)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from debtload.adapters.dynamodb.jobs import DynamoJobStore
from debtload.adapters.s3_files import S3ClaimStore
from debtload.adapters.sqs_queues import SqsChunkQueue
from debtload.config import Config
from debtload.domain.jobs.ports import EventPublisher
from debtload.domain.jobs.submit import JobSubmitter

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from debtload.domain.calls.ports import CallRunStore
    from debtload.domain.credits import CreditsRepository
    from debtload.domain.debts.batch import BatchServices
    from debtload.domain.debts.ports import DebtStore
    from debtload.domain.debts.timelines import TimelineStore
    from debtload.domain.file_import.report import ImportReporter
    from debtload.domain.jobs.model import Job


def job_submitter(config: Config, jobs: DynamoJobStore, publisher: EventPublisher) -> JobSubmitter:
    """Submits jobs: chunks onto JobQueue, oversized rows claimed in the imports bucket."""
    return JobSubmitter(
        store=jobs,
        queue=SqsChunkQueue(config.job_queue_url),
        claims=S3ClaimStore(config.imports_bucket),
        publisher=publisher,
    )


def batch_services(
    config: Config, debts: DebtStore, timelines: TimelineStore, credits: CreditsRepository
) -> BatchServices:
    """What a debts batch runs with (POST /debts/batch, the single-debt routes, a debts file's rows):
    e-mails MX-checked, credits charged at the configured prices."""
    # Imported when built, not with this module: the debts batch loads every debt field's validation
    # (phonenumbers, schwifty, holidays), which the file_import function, building a JobSubmitter
    # through here, should not load at its cold start.
    from debtload.domain.debts.batch import BatchServices
    from debtload.validation.email import check_deliverability

    return BatchServices(
        debts=debts,
        timelines=timelines,
        credits=credits,
        check_emails=check_deliverability,
        prices=config.call_prices,
    )


def cancel_hooks(
    reporter: ImportReporter, call_runs: Callable[[], CallRunStore], publisher: EventPublisher
) -> dict[str, Sequence[Callable[[Job], None]]]:
    """What a job's cancel ends besides the job (decision 91): a file import's reports, every kind;
    a customers file's call runs not dialed yet. One definition for the api's cancel and the worker's
    completion of a cancel that crashed."""

    def runs(job: Job) -> None:
        from debtload.domain.calls.cancel import cancel_runs_of_job  # phone validation: not at init

        cancel_runs_of_job(call_runs(), publisher, job)

    return {"*": [reporter.on_terminal], "customers": [runs]}
