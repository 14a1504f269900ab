"""The typed records the local stack reads out of template.yaml (devstack/template.py): a
function, its queue event sources, S3 triggers and schedules, and how Lambda treats its
asynchronous invocations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Destination",
    "EventInvokeConfig",
    "FunctionSpec",
    "S3Trigger",
    "ScheduleEvent",
    "SqsEventSource",
]


@dataclass(frozen=True, slots=True)
class SqsEventSource:
    function_id: str
    queue_id: str
    batch_size: int
    report_batch_item_failures: bool
    maximum_batching_window_seconds: int
    # ScalingConfig.MaximumConcurrency. Without one, Lambda starts an SQS source with five concurrent
    # batches and scales up with the backlog; five is where the local stack stays.
    maximum_concurrency: int = 5


@dataclass(frozen=True, slots=True)
class S3Trigger:
    function_id: str
    bucket_id: str
    events: tuple[str, ...]
    filter_rules: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class ScheduleEvent:
    """A function's `Type: Schedule` event: an EventBridge rule that invokes it asynchronously."""

    function_id: str
    event_id: str
    expression: str
    rule_name: str
    enabled: bool
    # The rule target's Input: when set, the function receives this JSON instead of the event.
    input: str | None = None


@dataclass(frozen=True, slots=True)
class Destination:
    kind: str  # SQS, SNS, Lambda, EventBridge, S3
    arn: str


@dataclass(frozen=True, slots=True)
class EventInvokeConfig:
    """How Lambda treats a function's asynchronous invocations (AWS::Lambda::EventInvokeConfig)."""

    maximum_retry_attempts: int = 2
    on_failure: Destination | None = None
    on_success: Destination | None = None


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    logical_id: str
    code_uri: str
    handler: str
    timeout: int
    memory_size: int
    environment: dict[str, Any]
    events: dict[str, Any] = field(default_factory=dict)
    runtime: str = "python3.13"
