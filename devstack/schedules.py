"""EventBridge's scheduled rules for the template's `Type: Schedule` events.

Moto stores a rule's ScheduleExpression but never fires it, so without this the outbox sweep and the
file-import lease sweep never ran locally: a path that only a schedule drives was never exercised.
Each enabled rule fires its function one period after the stack starts, then every period, with
the payload EventBridge sends, as an asynchronous invocation (Lambda's retries, its OnFailure
destination if the function has one, else dropped after the retries).

`rate(...)` is what runs; `cron(...)` is refused with a clear error (no cron library is installed).
DEBTLOAD_LOCAL_SCHEDULE_SCALE (or LocalStack's schedule_scale) divides every period, so tests can run
a 5-minute schedule every second; `make run` keeps the template's rates. `fire` runs one now.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from devstack.environment import seconds_or_scale
from devstack.template import LocalStackTemplate
from devstack.template_specs import ScheduleEvent

log = logging.getLogger("devstack.schedules")
SCALE_ENV = "DEBTLOAD_LOCAL_SCHEDULE_SCALE"
_RATE = re.compile(r"rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}

# (function_id, event, source) -> a handle on the queued invocation (AsyncInvoker.invoke).
InvokeAsync = Callable[..., Any]


class ScheduleProblem(ValueError):
    pass


def rate_seconds(expression: str) -> int:
    """The period of a `rate(N unit)` expression, with EventBridge's own rules for N and the unit."""
    text = expression.strip()
    if text.startswith("cron("):
        raise ScheduleProblem(
            f"{expression!r}: cron expressions are not run by the local stack (no cron library is "
            "installed); use rate(...) or fire the schedule by hand (LocalStack.fire_schedule)"
        )
    match = _RATE.fullmatch(text)
    if match is None:
        raise ScheduleProblem(
            f"{expression!r} is not a schedule expression: expected rate(<value> <unit>) with a unit "
            "of minute(s), hour(s) or day(s), or cron(...)"
        )
    value, unit = int(match.group(1)), match.group(2)
    if value < 1:
        raise ScheduleProblem(f"{expression!r}: the value of a rate must be a positive whole number")
    if (value == 1) == unit.endswith("s"):
        # rate(1 minutes) and rate(5 minute) are refused by EventBridge.
        raise ScheduleProblem(
            f"{expression!r}: EventBridge wants a singular unit for a value of 1 and a plural one otherwise"
        )
    return value * _UNIT_SECONDS[unit.rstrip("s")]


def scale_from_environment() -> float:
    scale = seconds_or_scale(SCALE_ENV, "1", allow_zero=False)
    if scale is None:
        raw = os.environ.get(SCALE_ENV)
        raise ScheduleProblem(
            f"{SCALE_ENV} must be a positive number (the rates are divided by it), not {raw!r}"
        )
    return scale


def scheduled_event(template: LocalStackTemplate, schedule: ScheduleEvent, when: datetime) -> dict[str, Any]:
    """The event EventBridge delivers to a scheduled rule's Lambda target."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": template.account_id,
        "time": when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": template.region,
        "resources": [f"arn:aws:events:{template.region}:{template.account_id}:rule/{schedule.rule_name}"],
        "detail": {},
    }


class Scheduler:
    def __init__(
        self, template: LocalStackTemplate, invoke: InvokeAsync, *, scale: float | None = None
    ) -> None:
        self.template = template
        self._invoke = invoke
        self.scale = scale_from_environment() if scale is None else scale
        if not math.isfinite(self.scale) or self.scale <= 0:
            raise ScheduleProblem(f"schedule scale must be a positive number, not {self.scale!r}")
        self.schedules = template.schedule_events()
        # Every expression is checked, enabled or not, as EventBridge checks a disabled rule's too.
        self.periods = {
            (s.function_id, s.event_id): rate_seconds(s.expression) / self.scale for s in self.schedules
        }
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def schedule(self, function_id: str, event_id: str | None = None) -> ScheduleEvent:
        found = [s for s in self.schedules if s.function_id == function_id and event_id in (None, s.event_id)]
        if len(found) != 1:
            known = ", ".join(f"{s.function_id}.{s.event_id}" for s in self.schedules)
            raise KeyError(f"no single schedule {function_id}.{event_id or '*'}; the template has {known}")
        return found[0]

    def fire(self, function_id: str, event_id: str | None = None) -> Any:
        """Fires one schedule now, as its rule would; returns the queued invocation's handle."""
        schedule = self.schedule(function_id, event_id)
        event: Any = scheduled_event(self.template, schedule, datetime.now(UTC))
        if schedule.input is not None:
            event = json.loads(schedule.input)  # a target with Input receives it instead
        return self._invoke(schedule.function_id, event, source=f"schedule {schedule.rule_name}")

    def start(self) -> None:
        if self._thread is not None:
            return
        for schedule in self.schedules:
            period = self.periods[(schedule.function_id, schedule.event_id)]
            state = f"every {period:g}s" if schedule.enabled else "disabled in the template"
            log.info(
                "schedule %s (%s) -> %s: %s",
                schedule.rule_name,
                schedule.expression,
                schedule.function_id,
                state,
            )
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(self._stop,), name="schedules", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self, stop: threading.Event) -> None:
        started = time.monotonic()
        due = {
            (s.function_id, s.event_id): started + self.periods[(s.function_id, s.event_id)]
            for s in self.schedules
            if s.enabled
        }
        while due and not stop.is_set():
            key, when = min(due.items(), key=lambda item: item[1])
            if stop.wait(max(0.0, when - time.monotonic())):
                return
            try:
                self.fire(*key)
            except Exception:
                log.exception("schedule %s.%s could not fire", *key)
            # A run that fell behind skips what it missed rather than firing a burst.
            due[key] = max(when + self.periods[key], time.monotonic())
