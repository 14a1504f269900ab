"""The Amazon Connect and EventBridge clients the dialers call, answering as told."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError


class FakeConnect:
    """Refuses one call per code in `errors`, in order, then starts every contact."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        self.requests: list[dict[str, Any]] = []

    def start_outbound_voice_contact(self, **kwargs: Any) -> dict[str, Any]:
        self.requests.append(kwargs)
        if self.errors:
            code = self.errors.pop(0)
            raise ClientError({"Error": {"Code": code, "Message": "nope"}}, "StartOutboundVoiceContact")
        return {"ContactId": "contact-1"}


class FakeEvents:
    """Throttles the first `fail_first` entries it is given, then accepts every entry."""

    def __init__(self, fail_first: int) -> None:
        self.fail_first = fail_first
        self.calls: list[list[dict[str, Any]]] = []

    def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        self.calls.append(Entries)
        results: list[dict[str, Any]] = []
        for _ in Entries:
            if self.fail_first:
                self.fail_first -= 1
                results.append({"ErrorCode": "ThrottlingException", "ErrorMessage": "slow down"})
            else:
                results.append({"EventId": "e"})
        return {"Entries": results, "FailedEntryCount": 0}
