"""A batched request's body, built by us, is the body botocore would have built, and it is signed.

Each client answers from a `before-send` handler, so no request leaves the process."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import boto3
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, AWSResponse
from botocore.config import Config
from botocore.credentials import Credentials

from debtload.adapters import aws
from debtload.adapters.dynamodb import prebuilt_body
from debtload.adapters.dynamodb.table import DynamoTable, serialize

ITEMS = [
    {
        "PK": "TENANT#t1",
        "SK": f"DEBT#{index}",
        "amount": "12.50",
        "count": 3,
        "rate": Decimal("0.25"),
        "ratio": 1.5,
        "active": index % 2 == 0,
        "tags": ["a", "é", 'quote"d'],
        "destination": {"zone": "france", "credits": 1, "nested": {"deep": [1, {"x": "y"}]}},
        "names": {"Jean", "Marie"},
        "empty": "",
    }
    for index in range(30)
]


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


class Recorder:
    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.requests: list[Any] = []

    def __call__(self, request: Any, **_: Any) -> AWSResponse:
        self.requests.append(request)
        raw = _Raw(json.dumps(self.answer).encode())
        return AWSResponse(request.url, 200, {"x-amzn-requestid": "r"}, raw)


class _Raw:
    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Any:
        yield self.body


def _client(answer: dict[str, Any], prebuilt: bool) -> tuple[Any, Recorder]:
    client = boto3.session.Session().client(
        "dynamodb",
        region_name="eu-west-3",
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret",
        config=Config(parameter_validation=False),
    )
    if prebuilt:
        prebuilt_body.install(client)
    recorder = Recorder(answer)
    client.meta.events.register_first("before-send.dynamodb", recorder)
    return client, recorder


def _write_params(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"RequestItems": {"debtload-Table": [{"PutRequest": {"Item": serialize(i)}} for i in items]}}


@pytest.mark.parametrize(
    ("operation", "params"),
    [
        ("batch_write_item", _write_params(ITEMS[:25])),
        (
            "batch_get_item",
            {
                "RequestItems": {
                    "debtload-Table": {
                        "Keys": [serialize({"PK": "TENANT#t1", "SK": f"DEBT#{i}"}) for i in range(100)],
                        "ProjectionExpression": "PK, SK, amount",
                    }
                }
            },
        ),
    ],
)
def test_the_prebuilt_body_is_botocores_body_and_is_what_gets_signed(
    operation: str, params: dict[str, Any]
) -> None:
    answer = {"UnprocessedItems": {}, "Responses": {}, "UnprocessedKeys": {}}
    ours, sent = _client(answer, prebuilt=True)
    theirs, reference = _client(answer, prebuilt=False)

    getattr(ours, operation)(**params)
    getattr(theirs, operation)(**params)

    (request,) = sent.requests
    (expected,) = reference.requests
    assert json.loads(request.body) == json.loads(expected.body)
    assert request.headers["X-Amz-Target"] == expected.headers["X-Amz-Target"]
    assert int(request.headers["Content-Length"]) == len(request.body)
    assert _signature_over_sent_body(request) in _text(request.headers["Authorization"])


def _signature_over_sent_body(request: Any) -> str:
    """SigV4 recomputed over the bytes that went out: it matches only if they were the signed ones."""
    authorization = _text(request.headers["Authorization"])
    signed = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    check = AWSRequest(
        method=request.method,
        url=request.url,
        data=request.body,
        headers={k: _text(v) for k, v in request.headers.items() if k.lower() in signed},
    )
    check.context["timestamp"] = _text(request.headers["X-Amz-Date"])
    signer = SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), "dynamodb", "eu-west-3")
    canonical = signer.canonical_request(check)
    return str(signer.signature(signer.string_to_sign(check, canonical), check))


def test_the_callers_parameters_are_left_whole_for_a_retry() -> None:
    client, _ = _client({"UnprocessedItems": {}}, prebuilt=True)
    params = _write_params(ITEMS[:2])
    writes = params["RequestItems"]["debtload-Table"]

    client.batch_write_item(**params)

    assert params["RequestItems"]["debtload-Table"] is writes
    assert len(writes) == 2


def test_a_binary_attribute_keeps_botocores_own_encoding() -> None:
    params = {
        "RequestItems": {"t": [{"PutRequest": {"Item": {"PK": {"S": "p"}, "blob": {"B": b"\x00\xff"}}}}]}
    }
    ours, sent = _client({"UnprocessedItems": {}}, prebuilt=True)
    theirs, reference = _client({"UnprocessedItems": {}}, prebuilt=False)

    ours.batch_write_item(**params)
    theirs.batch_write_item(**params)

    assert sent.requests[0].body == reference.requests[0].body
    assert json.loads(sent.requests[0].body)["RequestItems"]["t"][0]["PutRequest"]["Item"]["blob"] == {
        "B": "AP8="
    }


def test_a_table_writes_every_item_through_the_prebuilt_path() -> None:
    client, sent = _client({"UnprocessedItems": {}}, prebuilt=True)
    table = DynamoTable("debtload-Table", client=client, batch_concurrency=1)

    calls = table.batch_write(ITEMS)

    assert calls == 2
    written = [
        write["PutRequest"]["Item"]["SK"]["S"]
        for request in sent.requests
        for write in json.loads(request.body)["RequestItems"]["debtload-Table"]
    ]
    assert written == [f"DEBT#{i}" for i in range(30)]
    assert b", " not in sent.requests[0].body  # ours: compact separators, botocore's: ", "


def test_the_shared_dynamodb_client_sends_prebuilt_bodies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-3")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "a")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "b")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    aws.reset_clients()
    try:
        client = aws.client("dynamodb")
        recorder = Recorder({"UnprocessedItems": {}})
        client.meta.events.register_first("before-send.dynamodb", recorder)
        DynamoTable("debtload-Table", batch_concurrency=1).batch_write(ITEMS[:3])
    finally:
        aws.reset_clients()

    (request,) = recorder.requests
    assert len(json.loads(request.body)["RequestItems"]["debtload-Table"]) == 3
    assert b", " not in request.body


def test_a_client_made_elsewhere_keeps_botocores_path() -> None:
    client = boto3.session.Session().client(
        "dynamodb", region_name="eu-west-3", aws_access_key_id="a", aws_secret_access_key="b"
    )
    recorder = Recorder({"UnprocessedItems": {}})
    client.meta.events.register_first("before-send.dynamodb", recorder)

    DynamoTable("debtload-Table", client=client, batch_concurrency=1).batch_write(ITEMS[:3])

    (request,) = recorder.requests
    assert len(json.loads(request.body)["RequestItems"]["debtload-Table"]) == 3
    assert b", " in request.body  # botocore's own encoding, its validator having seen every item
