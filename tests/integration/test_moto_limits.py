"""DynamoDB's 400 KB item and SQS's 256 KB message (the template's queues) hold in the local stack,
counted as AWS counts them, on every write path."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from devstack.moto_limits import MAX_BATCH_MESSAGE_BYTES, MAX_ITEM_BYTES, attribute_size, item_size
from devstack.template import LocalStackTemplate
from tests.conftest import MotoResources

SQS_MAX = 262_144


# ---- DynamoDB's sizing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "size"),
    [
        ({"S": "héllo"}, 6),  # UTF-8 bytes
        ({"N": "123.4500"}, 4),  # 5 significant digits: 3 bytes, plus 1
        ({"N": "-0.001"}, 3),  # 1 digit: 1 byte, plus 1, plus 1 for the sign
        ({"B": "AAECAw=="}, 4),  # the bytes, not their base64 text
        ({"BOOL": True}, 1),
        ({"NULL": True}, 1),
        ({"SS": ["a", "bc"]}, 3),
        ({"L": []}, 3),
        ({"L": [{"S": "ab"}, {"N": "7"}]}, 3 + (1 + 2) + (1 + 2)),
        ({"M": {"k": {"S": "v"}}}, 3 + 1 + 1 + 1),
    ],
)
def test_attribute_sizes_follow_dynamodbs_rules(value: dict[str, Any], size: int) -> None:
    assert attribute_size(value) == size


def _item(sk: str, filler: int) -> dict[str, Any]:
    item = {"PK": {"S": "T#limits"}, "SK": {"S": sk}, "blob": {"S": ""}}
    item["blob"]["S"] = "x" * (filler - item_size(item))
    return item


# ---- DynamoDB writes -------------------------------------------------------------------------


def test_put_item_takes_an_item_of_400_kb_and_refuses_one_byte_more(moto_resources: MotoResources) -> None:
    dynamodb = moto_resources.client("dynamodb")
    table = moto_resources.table_name

    dynamodb.put_item(TableName=table, Item=_item("at-limit", MAX_ITEM_BYTES))  # moto alone refuses this
    with pytest.raises(ClientError) as refused:
        dynamodb.put_item(TableName=table, Item=_item("over", MAX_ITEM_BYTES + 1))

    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert refused.value.response["Error"]["Message"] == "Item size has exceeded the maximum allowed size"
    assert "Item" not in dynamodb.get_item(
        TableName=table, Key={"PK": {"S": "T#limits"}, "SK": {"S": "over"}}
    )


# 60,000 small maps: about 120 KB by moto's count, 480 KB by DynamoDB's.
ROWS = {"PK": {"S": "T#limits"}, "SK": {"S": "rows"}, "rows": {"L": [{"M": {"a": {"N": "1"}}}] * 60_000}}


def test_list_and_map_overhead_counts(moto_resources: MotoResources) -> None:
    with pytest.raises(ClientError, match="Item size has exceeded the maximum allowed size"):
        moto_resources.client("dynamodb").put_item(TableName=moto_resources.table_name, Item=ROWS)


def test_update_item_refuses_what_would_grow_past_400_kb_and_leaves_the_item(
    moto_resources: MotoResources,
) -> None:
    dynamodb = moto_resources.client("dynamodb")
    table = moto_resources.table_name
    original = _item("grow", MAX_ITEM_BYTES - 10)
    dynamodb.put_item(TableName=table, Item=original)
    key = {"PK": original["PK"], "SK": original["SK"]}

    with pytest.raises(ClientError) as refused:
        dynamodb.update_item(
            TableName=table,
            Key=key,
            UpdateExpression="SET extra = :v",
            ExpressionAttributeValues={":v": {"S": "y" * 20}},
        )

    assert refused.value.response["Error"]["Code"] == "ValidationException"
    assert "exceeded the maximum allowed size" in refused.value.response["Error"]["Message"]
    assert dynamodb.get_item(TableName=table, Key=key)["Item"] == original


def test_batch_write_with_one_item_over_400_kb_writes_nothing(moto_resources: MotoResources) -> None:
    dynamodb = moto_resources.client("dynamodb")
    table = moto_resources.table_name
    small = {"PK": {"S": "T#limits"}, "SK": {"S": "small"}}

    with pytest.raises(ClientError, match="Item size has exceeded the maximum allowed size"):
        dynamodb.batch_write_item(
            RequestItems={
                table: [
                    {"PutRequest": {"Item": small}},
                    {"PutRequest": {"Item": _item("big", MAX_ITEM_BYTES + 1)}},
                ]
            }
        )

    assert "Item" not in dynamodb.get_item(TableName=table, Key=small)


def test_a_transaction_with_an_item_over_400_kb_writes_nothing(moto_resources: MotoResources) -> None:
    dynamodb = moto_resources.client("dynamodb")
    table = moto_resources.table_name
    small = {"PK": {"S": "T#limits"}, "SK": {"S": "small"}}

    with pytest.raises(ClientError, match="Item size has exceeded the maximum allowed size"):
        dynamodb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": table, "Item": small}},
                {"Put": {"TableName": table, "Item": ROWS}},
            ]
        )

    assert "Item" not in dynamodb.get_item(TableName=table, Key=small)


# ---- SQS -------------------------------------------------------------------------------------


def test_every_template_queue_is_limited_to_256_kb(template: LocalStackTemplate) -> None:
    queues = template.resources_of_type("AWS::SQS::Queue")
    assert queues
    assert {queue: template.properties(queue).get("MaximumMessageSize") for queue in queues} == {
        queue: SQS_MAX for queue in queues
    }


def _refusal(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    return error.value.response["Error"]["Code"], error.value.response["Error"]["Message"]


def test_a_message_of_256_kb_is_sent_and_one_byte_more_is_refused(moto_resources: MotoResources) -> None:
    sqs = moto_resources.client("sqs")
    url = moto_resources.queue_url("JobQueue")

    sqs.send_message(QueueUrl=url, MessageBody="x" * SQS_MAX)
    with pytest.raises(ClientError) as refused:
        sqs.send_message(QueueUrl=url, MessageBody="x" * (SQS_MAX + 1))

    assert _refusal(refused) == (
        "InvalidParameterValue",
        f"One or more parameters are invalid. Reason: Message must be shorter than {SQS_MAX} bytes.",
    )


@pytest.mark.parametrize(
    ("body", "attributes"),
    [
        ("é" * (SQS_MAX // 2 + 1), {}),  # fewer characters than the limit, more bytes
        ("x" * (SQS_MAX - 10), {"kind": {"DataType": "String", "StringValue": "chunk"}}),
    ],
    ids=["utf8-bytes", "attributes-count"],
)
def test_bytes_and_message_attributes_count(
    moto_resources: MotoResources, body: str, attributes: dict[str, Any]
) -> None:
    with pytest.raises(ClientError) as refused:
        moto_resources.client("sqs").send_message(
            QueueUrl=moto_resources.queue_url("WebhookQueue"), MessageBody=body, MessageAttributes=attributes
        )
    assert _refusal(refused)[0] == "InvalidParameterValue"


def test_a_batch_over_1_mib_is_refused_whole(moto_resources: MotoResources) -> None:
    sqs = moto_resources.client("sqs")
    url = moto_resources.queue_url("JobQueue")
    # Five 220,000-byte messages, each under the queue's limit: 1.1 MB in all (550,000 characters).
    entries = [{"Id": str(i), "MessageBody": "é" * 110_000} for i in range(5)]
    assert sum(len(e["MessageBody"].encode()) for e in entries) > MAX_BATCH_MESSAGE_BYTES

    with pytest.raises(ClientError) as refused:
        sqs.send_message_batch(QueueUrl=url, Entries=entries)

    assert _refusal(refused)[0].endswith("BatchRequestTooLong")  # AWS.SimpleQueueService.…, as on AWS
    assert "Messages" not in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)


def test_a_batch_with_one_message_over_256_kb_sends_none(moto_resources: MotoResources) -> None:
    sqs = moto_resources.client("sqs")
    url = moto_resources.queue_url("JobQueue")
    entries = [
        {"Id": "small", "MessageBody": "{}"},
        {
            "Id": "big",
            "MessageBody": "x" * (SQS_MAX - 4),
            "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "chunk"}},
        },
    ]

    with pytest.raises(ClientError) as refused:
        sqs.send_message_batch(QueueUrl=url, Entries=entries)

    assert _refusal(refused)[0] == "InvalidParameterValue"
    assert "Messages" not in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)
