from __future__ import annotations

import json

from debtload.adapters.connect_dialer import ConnectDialer, ConnectSettings
from debtload.adapters.eventbridge_dialer import EventBridgeDialer
from debtload.domain.calls.ports import CallRequest
from tests.fakes.dialers import FakeConnect, FakeEvents


def request(i: int) -> CallRequest:
    return CallRequest(f"call-{i}", "t1", "run-1", f"LN-{i}", "+33612345678", {"agentId": "a1"}, "c1", 25)


def test_connect_is_used_only_when_instance_queue_and_flow_are_set() -> None:
    assert not ConnectSettings.from_env({"CONNECT_INSTANCE_ID": "i-1", "CONNECT_QUEUE_ID": "q-1"}).enabled
    assert ConnectSettings.from_env(
        {"CONNECT_INSTANCE_ID": "i-1", "CONNECT_QUEUE_ID": "q-1", "CONNECT_CONTACT_FLOW_ID": "f-1"}
    ).enabled


def test_connect_call_uses_the_call_id_as_client_token_and_retries_throttling() -> None:
    client = FakeConnect(["TooManyRequestsException"])
    dialer = ConnectDialer(ConnectSettings("i-1", "q-1", "f-1"), client=client, sleep=lambda _: None)
    assert dialer.request_calls([request(1)]) == [None]
    assert len(client.requests) == 2
    sent = client.requests[-1]
    assert sent["ClientToken"] == "call-1" and sent["InstanceId"] == "i-1" and sent["QueueId"] == "q-1"
    assert sent["DestinationPhoneNumber"] == "+33612345678"
    assert sent["Attributes"]["agentId"] == "a1" and sent["Attributes"]["customerId"] == "LN-1"


def test_connect_refusal_fails_that_call_with_its_reason() -> None:
    client = FakeConnect(["DestinationNotAllowedException"])
    dialer = ConnectDialer(ConnectSettings("i-1", "q-1", "f-1"), client=client, sleep=lambda _: None)
    assert dialer.request_calls([request(1), request(2)]) == ["DestinationNotAllowedException: nope", None]


def test_eventbridge_sends_10_a_call_and_retries_failed_entries_only() -> None:
    client = FakeEvents(fail_first=2)
    reasons = EventBridgeDialer("bus", client=client).request_calls([request(i) for i in range(12)])
    assert reasons == [None] * 12
    assert [len(c) for c in client.calls] == [10, 2, 2]
    detail = json.loads(client.calls[0][0]["Detail"])
    assert (
        detail["callId"] == "call-0"
        and detail["campaignId"] == "c1"
        and client.calls[0][0]["DetailType"] == "CallRequested"
    )
