"""Cases and their notes in the single table; notes are listed newest first through GSI1."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from debtload.adapters.dynamodb import keys
from debtload.adapters.dynamodb.cursors import decode_cursor, encode_cursor
from debtload.adapters.dynamodb.table import DynamoTable, serialize
from debtload.domain.cases import Case
from debtload.domain.notes import Note


class DynamoCaseStore:
    """Implements CaseStore and NoteStore."""

    def __init__(self, table: DynamoTable) -> None:
        self.table = table

    def create_case(self, tenant_id: str, case: Case) -> bool:
        try:
            self.table.put(
                {
                    "PK": keys.tenant_pk(tenant_id),
                    "SK": keys.case_sk(case.id),
                    "id": case.id,
                    "debtor_name": case.debtor_name,
                    "reference": case.reference,
                    "amount": case.amount,
                    "currency": case.currency,
                    "status": case.status,
                    "created_at": case.created_at,
                },
                condition="attribute_not_exists(PK)",
            )
        except self.table.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def get_case(self, tenant_id: str, case_id: str) -> Case | None:
        item = self.table.get(keys.tenant_pk(tenant_id), keys.case_sk(case_id))
        if item is None:
            return None
        return Case(
            id=item["id"],
            debtor_name=item["debtor_name"],
            reference=item["reference"],
            amount=str(item["amount"]),
            currency=item["currency"],
            status=item["status"],
            created_at=item["created_at"],
        )

    def existing_cases(self, tenant_id: str, case_ids: Sequence[str]) -> set[str]:
        pk = keys.tenant_pk(tenant_id)
        items = self.table.batch_get([(pk, keys.case_sk(c)) for c in case_ids], projection="id")
        return {item["id"] for item in items}

    def existing_notes(self, tenant_id: str, note_keys: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        pk = keys.tenant_pk(tenant_id)
        items = self.table.batch_get(
            [(pk, keys.note_sk(c, n)) for c, n in note_keys], projection="case_id, id"
        )
        return {(item["case_id"], item["id"]) for item in items}

    def put_notes(self, tenant_id: str, notes: Sequence[Note]) -> None:
        pk = keys.tenant_pk(tenant_id)
        self.table.batch_write(
            {
                "PK": pk,
                "SK": keys.note_sk(n.case_id, n.id),
                "GSI1PK": keys.case_notes_gsi_pk(tenant_id, n.case_id),
                "GSI1SK": f"{n.event_date}#{n.id}",
                "id": n.id,
                "case_id": n.case_id,
                "description": n.description,
                "event_date": n.event_date,
                "external_ref": n.external_ref,
                "created_at": n.created_at,
                "source": n.source,
            }
            for n in notes
        )

    def record_job_notes(
        self, tenant_id: str, job_id: str, first_row: int, notes: Sequence[tuple[str, str]]
    ) -> None:
        """One item per chunk in the job's partition (a redelivered chunk writes the same item)."""
        self.table.put(
            {
                "PK": keys.job_pk(tenant_id, job_id),
                "SK": f"{_JOB_NOTES_PREFIX}{first_row:010d}",
                "notes": [[case_id, note_id] for case_id, note_id in notes],
            }
        )

    def job_notes(self, tenant_id: str, job_id: str) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        start: dict[str, Any] | None = None
        while True:
            items, start = self.table.query(
                keys.job_pk(tenant_id, job_id), _JOB_NOTES_PREFIX, start_key=start
            )
            found.extend((str(c), str(n)) for item in items for c, n in item.get("notes", []))
            if start is None:
                return found

    def delete_note(self, tenant_id: str, case_id: str, note_id: str) -> bool:
        """False when the note is no longer there."""
        client = self.table.client
        try:
            client.delete_item(
                TableName=self.table.name,
                Key=serialize({"PK": keys.tenant_pk(tenant_id), "SK": keys.note_sk(case_id, note_id)}),
                ConditionExpression="attribute_exists(PK)",
            )
        except client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def list_notes(
        self, tenant_id: str, case_id: str, cursor: str | None, limit: int
    ) -> tuple[list[Note], str | None]:
        items, last = self.table.query(
            keys.case_notes_gsi_pk(tenant_id, case_id),
            index="GSI1",
            forward=False,
            limit=limit,
            start_key=_own_notes_cursor(decode_cursor(cursor), tenant_id, case_id),
        )
        return [_note(item) for item in items], encode_cursor(last)


_JOB_NOTES_PREFIX = "UNDO#NOTES#"
_NOTES_CURSOR_KEYS = frozenset({"PK", "SK", "GSI1PK", "GSI1SK"})


def _own_notes_cursor(start: dict[str, Any] | None, tenant_id: str, case_id: str) -> dict[str, Any] | None:
    """A notes cursor is the last key of a page of this case's notes: exactly the table and GSI1
    keys, all strings, naming this tenant and case. Anything else (made up, or another case's) is
    refused here, since DynamoDB answers an unusable ExclusiveStartKey with an error, not a page."""
    if start is None:
        return None
    if (
        set(start) != _NOTES_CURSOR_KEYS
        or not all(isinstance(value, str) for value in start.values())
        or start["PK"] != keys.tenant_pk(tenant_id)
        or start["GSI1PK"] != keys.case_notes_gsi_pk(tenant_id, case_id)
        or not start["SK"].startswith(keys.note_sk(case_id, ""))
    ):
        raise ValueError("invalid cursor")
    return start


def _note(item: dict[str, Any]) -> Note:
    return Note(
        id=item["id"],
        case_id=item["case_id"],
        description=item["description"],
        event_date=item["event_date"],
        external_ref=item.get("external_ref"),
        created_at=item["created_at"],
        source=item.get("source", "api"),
    )
