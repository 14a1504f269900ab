"""Chunks onto JobQueue with moto, which enforces SendMessageBatch's limit on the sum of the bodies."""

from __future__ import annotations

from debtload.adapters.sqs_queues import MAX_BATCH_BYTES, SqsChunkQueue, _packed
from debtload.domain.jobs.model import ChunkMessage, JobRow
from tests.conftest import MotoResources


def test_large_chunks_are_packed_by_size_and_all_arrive(moto_resources: MotoResources) -> None:
    url = moto_resources.queue_url("JobQueue")
    row = {"firstname": "Hélène", "lastname": "Dupré", "note": "x" * 400}
    # Twelve chunks of ~200 KB: ten in one batch would be ~2 MB, over any SendMessageBatch limit.
    messages = [
        ChunkMessage("t", "job", chunk, 500, tuple(JobRow(chunk * 500 + i, row) for i in range(500)))
        for chunk in range(12)
    ]
    SqsChunkQueue(url).send_chunks(messages)
    sqs = moto_resources.client("sqs")
    received: set[str] = set()
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not batch:
            break
        received.update(m["MessageId"] for m in batch)
    assert len(received) == 12


def test_packing_respects_count_and_size() -> None:
    small = [(str(i), "x" * 10) for i in range(25)]
    assert [len(b) for b in _packed(small)] == [10, 10, 5]
    big = [(str(i), "x" * (MAX_BATCH_BYTES // 2)) for i in range(5)]
    assert [len(b) for b in _packed(big)] == [2, 2, 1]
