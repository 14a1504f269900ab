"""The default dialer: one `CallRequested` event per call on the calls bus (PutEvents, 10 a call)."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

from debtload.adapters import aws
from debtload.domain.calls.ports import CallRequest

PUT_EVENTS_LIMIT = 10
RETRIES = 3


class EventBridgeDialer:
    def __init__(self, bus_name: str, client: Any | None = None, source: str = "debtload.calls") -> None:
        self.bus_name = bus_name
        self.source = source
        self._client = client

    @property
    def client(self) -> Any:
        return self._client if self._client is not None else aws.client("events")

    def _entry(self, call: CallRequest) -> dict[str, Any]:
        detail = {
            "callId": call.call_id,
            "tenantId": call.tenant_id,
            "callRunId": call.call_run_id,
            "customerKey": call.customer_key,
            "phoneNumber": call.phone_number,
            "callConfig": dict(call.call_config),
            "campaignId": call.campaign_id,
            "credits": call.credits,
        }
        return {
            "EventBusName": self.bus_name,
            "Source": self.source,
            "DetailType": "CallRequested",
            "Detail": json.dumps(detail),
        }

    def request_calls(self, calls: Sequence[CallRequest]) -> list[str | None]:
        reasons: list[str | None] = [None] * len(calls)
        for start in range(0, len(calls), PUT_EVENTS_LIMIT):
            pending = list(range(start, min(start + PUT_EVENTS_LIMIT, len(calls))))
            for attempt in range(RETRIES):
                response = self.client.put_events(Entries=[self._entry(calls[i]) for i in pending])
                still_failing = []
                entries = response.get("Entries", [])
                if len(entries) != len(pending):  # malformed answer: treat the whole chunk as failed
                    entries = [{"ErrorCode": "InternalFailure", "ErrorMessage": "no entry result"}] * len(
                        pending
                    )
                for i, entry in zip(pending, entries, strict=True):
                    if entry.get("ErrorCode"):
                        still_failing.append(i)
                        reasons[i] = f"{entry['ErrorCode']}: {entry.get('ErrorMessage', '')}".strip(": ")
                    else:
                        reasons[i] = None
                pending = still_failing
                if not pending:
                    break
                time.sleep(0.1 * 2**attempt)
        return reasons
