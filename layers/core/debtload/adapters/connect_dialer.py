"""A dialer that places each call in Amazon Connect (StartOutboundVoiceContact).

Used instead of the EventBridge dialer when the template's ConnectInstanceId, ConnectQueueId and
ConnectContactFlowId parameters are all set. The call id is the ClientToken: Connect treats a
repeated token as the same contact (for 7 days), so a re-sent call after a crash is not placed twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from debtload.adapters import aws
from debtload.domain.calls.ports import CallRequest

RETRIES = 4
_RETRYABLE = frozenset(
    {"TooManyRequestsException", "LimitExceededException", "ThrottlingException", "InternalServiceException"}
)


@dataclass(frozen=True, slots=True)
class ConnectSettings:
    instance_id: str
    queue_id: str
    contact_flow_id: str
    source_phone_number: str = ""

    @property
    def enabled(self) -> bool:
        return bool(self.instance_id and self.queue_id and self.contact_flow_id)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> ConnectSettings:
        """The handler passes its environment explicitly, as with debtload.config.Config."""
        return cls(
            instance_id=env.get("CONNECT_INSTANCE_ID", "").strip(),
            queue_id=env.get("CONNECT_QUEUE_ID", "").strip(),
            contact_flow_id=env.get("CONNECT_CONTACT_FLOW_ID", "").strip(),
            source_phone_number=env.get("CONNECT_SOURCE_PHONE_NUMBER", "").strip(),
        )


class ConnectDialer:
    def __init__(
        self,
        settings: ConnectSettings,
        client: Any | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self._client = client
        self._sleep = sleep

    @property
    def client(self) -> Any:
        return self._client if self._client is not None else aws.client("connect")

    def _request(self, call: CallRequest) -> dict[str, Any]:
        request: dict[str, Any] = {
            "InstanceId": self.settings.instance_id,
            "ContactFlowId": self.settings.contact_flow_id,
            "QueueId": self.settings.queue_id,
            "DestinationPhoneNumber": call.phone_number,
            "ClientToken": call.call_id,
            # Contact attributes are what the contact flow can read: who to talk to and how.
            "Attributes": {
                "callId": call.call_id,
                "tenantId": call.tenant_id,
                "callRunId": call.call_run_id,
                "campaignId": call.campaign_id,
                "customerId": call.customer_key,
                **{str(k): str(v) for k, v in call.call_config.items() if v is not None},
            },
        }
        if self.settings.source_phone_number:
            request["SourcePhoneNumber"] = self.settings.source_phone_number
        return request

    def request_calls(self, calls: Sequence[CallRequest]) -> list[str | None]:
        return [self._place(call) for call in calls]

    def _place(self, call: CallRequest) -> str | None:
        for attempt in range(RETRIES):
            try:
                self.client.start_outbound_voice_contact(**self._request(call))
                return None
            except Exception as error:  # botocore ClientError, read by its code
                code = str(getattr(error, "response", {}).get("Error", {}).get("Code", type(error).__name__))
                if code not in _RETRYABLE or attempt == RETRIES - 1:
                    message = getattr(error, "response", {}).get("Error", {}).get("Message", str(error))
                    return f"{code}: {message}"
                self._sleep(0.2 * 2**attempt)
        return "not attempted"  # unreachable: the loop returns on its last attempt
