"""Idempotency storage in the single table: powertools' records, kept compact, and the key claims.

A stored response is the whole response body. POST /customers/add/bulk with 10,000 records of which
5,000 fail answers about 900 KB of JSON: as a string attribute it broke DynamoDB's 400 KB item
limit, so powertools could not save it, the client got a 500 after the work was committed, and the
retry did the work again (issue 13, defect 4). A response over `COMPRESS_ABOVE` bytes is stored
zlib-compressed in a Binary attribute (the same `data` attribute; readers tell them by type).

A claim (`IDEMKEY#<hash of method, path and key>`) is written the first time a key runs and never
expires, unlike the record (24 h): ids derived from a key outlive its record, so a key reused after
its record expired must not run again over what its first use made (issue 13, defect 2).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer
from aws_lambda_powertools.utilities.idempotency.persistence.datarecord import DataRecord
from botocore.exceptions import ClientError

from debtload.adapters.dynamodb import keys
from debtload.adapters.dynamodb.table import DynamoTable

COMPRESS_ABOVE: Final = 32 * 1024
# What the stored response may take, leaving room for the record's keys and other attributes.
MAX_STORED_RESPONSE: Final = 380 * 1024
_CLAIM_PREFIX: Final = "IDEMKEY#"


class CompactDynamoDBPersistenceLayer(DynamoDBPersistenceLayer):
    """powertools' DynamoDB layer, storing a large response compressed.

    Only the write of a completed record and the read of a record differ from powertools: the
    update is the same expression with a Binary value instead of a String one when compressed.
    `oversized(response, size)` gives what to keep instead of a response too large even compressed:
    failing here would answer 500 for work that is done, and the retry would do it again."""

    def __init__(self, *args: Any, oversized: Callable[[dict[str, Any], int], dict[str, Any]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.oversized = oversized

    def _update_record(self, data_record: DataRecord) -> None:
        response: dict[str, Any] = {"S": data_record.response_data}
        encoded = data_record.response_data.encode()
        if len(encoded) > COMPRESS_ABOVE:
            compressed = zlib.compress(encoded, 6)
            response = {"B": compressed}
            if len(compressed) > MAX_STORED_RESPONSE:
                kept = self.oversized(json.loads(data_record.response_data), len(encoded))
                response = {"S": json.dumps(kept, sort_keys=True)}
        names = {"#expiry": self.expiry_attr, "#response_data": self.data_attr, "#status": self.status_attr}
        values: dict[str, Any] = {
            ":expiry": {"N": str(data_record.expiry_timestamp)},
            ":response_data": response,
            ":status": {"S": data_record.status},
        }
        expression = "SET #response_data = :response_data, #expiry = :expiry, #status = :status"
        if self.payload_validation_enabled:
            expression += ", #validation_key = :validation_key"
            values[":validation_key"] = {"S": data_record.payload_hash}
            names["#validation_key"] = self.validation_key_attr
        self.client.update_item(
            TableName=self.table_name,
            Key=self._get_key(data_record.idempotency_key),
            UpdateExpression=expression,
            ExpressionAttributeNames=names,
            ExpressionAttributeValues=values,
        )

    def _item_to_data_record(self, item: dict[str, Any]) -> DataRecord:
        stored = item.get(self.data_attr, {})
        if "B" in stored:
            text = zlib.decompress(stored["B"]).decode()
            item = {**item, self.data_attr: {"S": text}}
        return super()._item_to_data_record(item)


def payload_hash(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Claim:
    """A key's first use: `completed_at` is set once a run of it succeeded."""

    payload_hash: str
    first_used_at: str
    completed_at: str | None


class IdempotencyKeyClaims:
    """One item per (tenant, method and path, key), without `expires_at`."""

    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    @staticmethod
    def _sk(route: str, key: str) -> str:
        return _CLAIM_PREFIX + hashlib.sha256(f"{route}\n{key}".encode()).hexdigest()

    def claim(
        self, tenant_id: str, route: str, key: str, body_hash: str, now: str
    ) -> tuple[bool, Claim | None]:
        """(True, None) when this call made the claim; (False, None) when an unfinished run of the
        same body holds it (a retry after a crash may go on); (False, claim) when it is another
        body's, or a finished run's."""
        try:
            self.table.put(
                {
                    "PK": keys.tenant_pk(tenant_id),
                    "SK": self._sk(route, key),
                    "route": route,
                    "key": key,
                    "payload_hash": body_hash,
                    "first_used_at": now,
                },
                condition="attribute_not_exists(PK)",
            )
            return True, None
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
                raise
        item = self.table.get(keys.tenant_pk(tenant_id), self._sk(route, key)) or {}
        found = Claim(
            payload_hash=str(item.get("payload_hash", "")),
            first_used_at=str(item.get("first_used_at", "")),
            completed_at=str(item["completed_at"]) if item.get("completed_at") else None,
        )
        if found.payload_hash == body_hash and found.completed_at is None:
            return False, None
        return False, found

    def complete(self, tenant_id: str, route: str, key: str, now: str) -> None:
        self.table.update(
            keys.tenant_pk(tenant_id),
            self._sk(route, key),
            "SET completed_at = :now",
            {":now": now},
            condition="attribute_exists(PK)",
        )

    def release(self, tenant_id: str, route: str, key: str) -> None:
        """Forget a claim this call made and whose run raised: nothing of it is kept (a 400)."""
        self.table.client.delete_item(
            TableName=self.table.name,
            Key={"PK": {"S": keys.tenant_pk(tenant_id)}, "SK": {"S": self._sk(route, key)}},
        )
