"""The local stack's POST-object policy check (devstack/moto_s3_post.py, decision 95): S3's rules."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from devstack.moto_s3_post import PolicyRefused, check_policy

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def form(
    conditions: list[Any], expires: datetime = NOW + timedelta(minutes=10), **fields: str
) -> dict[str, str]:
    policy = {"expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ"), "conditions": conditions}
    return {
        "key": "imports/t/debts/a.csv",
        "Content-Type": "text/csv",
        "policy": base64.b64encode(json.dumps(policy).encode()).decode(),
        **fields,
    }


CONDITIONS = [
    {"bucket": "b"},
    {"key": "imports/t/debts/a.csv"},
    {"Content-Type": "text/csv"},
    ["content-length-range", 1, 100],
]


def test_a_post_within_its_policy_passes() -> None:
    check_policy(form(CONDITIONS), "b", 100, NOW)


@pytest.mark.parametrize(
    ("changes", "bucket", "size", "message"),
    [
        ({}, "b", 101, "maximum allowed size"),
        ({}, "b", 0, "maximum allowed size"),
        ({"key": "imports/other/debts/a.csv"}, "b", 10, "key"),
        ({"Content-Type": "text/html"}, "b", 10, "Content-Type"),
        ({}, "other-bucket", 10, "bucket"),
        ({"x-amz-meta-initiate-call": "true"}, "b", 10, "Extra input fields: x-amz-meta-initiate-call"),
    ],
)
def test_a_post_outside_its_policy_is_refused(
    changes: dict[str, str], bucket: str, size: int, message: str
) -> None:
    with pytest.raises(PolicyRefused, match=message):
        check_policy({**form(CONDITIONS), **changes}, bucket, size, NOW)


def test_fields_the_policy_names_or_s3_exempts_pass() -> None:
    conditions = [*CONDITIONS, {"x-amz-meta-agent-id": "agent-7"}, ["starts-with", "$x-amz-date", "2026"]]
    extra = {"x-amz-meta-agent-id": "agent-7", "x-amz-date": "20261206T090000Z", "x-amz-signature": "s"}
    check_policy({**form(conditions), **extra, "x-ignore-note": "n"}, "b", 10, NOW)
    with pytest.raises(PolicyRefused, match="agent-id"):
        check_policy({**form(conditions), **extra, "x-amz-meta-agent-id": "agent-8"}, "b", 10, NOW)


def test_an_expired_or_missing_policy_is_refused() -> None:
    with pytest.raises(PolicyRefused, match="expired"):
        check_policy(form(CONDITIONS, NOW - timedelta(seconds=1)), "b", 10, NOW)
    with pytest.raises(PolicyRefused, match="policy"):
        check_policy({"key": "k"}, "b", 10, NOW)
