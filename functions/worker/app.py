"""Worker function: job chunks from JobQueue (and its dead letters), and the scheduled outbox sweep.
Wiring only; see debtload.tasks.worker."""

from typing import Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from debtload.config import Config
from debtload.log_masking import masked_logger
from debtload.observability import traced
from debtload.tasks.wiring import TaskDependencies
from debtload.tasks.worker import is_scheduled_event

logger = masked_logger()
metrics = Metrics()
# A batch where every chunk failed is an ordinary outcome here: each one is retried on its own.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
task = TaskDependencies.from_config(Config.from_env()).worker_task()


def record_handler(record: SQSRecord) -> None:
    task.handle_record(record.raw_event)


@logger.inject_lambda_context
@traced
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if is_scheduled_event(event):
        return task.sweep_outbox()
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
