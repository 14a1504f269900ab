from __future__ import annotations

from debtload.domain import webhooks


def test_signature_round_trip_and_tampering() -> None:
    header = webhooks.sign("whsec_x", 1_800_000_000, b'{"id":"evt_1"}')
    assert header.startswith("t=1800000000,v1=")
    assert webhooks.verify_signature("whsec_x", header, b'{"id":"evt_1"}', now=1_800_000_010)
    assert not webhooks.verify_signature("whsec_x", header, b'{"id":"evt_2"}', now=1_800_000_010)
    assert not webhooks.verify_signature("whsec_y", header, b'{"id":"evt_1"}', now=1_800_000_010)
    assert not webhooks.verify_signature("whsec_x", header, b'{"id":"evt_1"}', now=1_800_001_000)  # stale
    assert not webhooks.verify_signature("whsec_x", "garbage", b"{}", now=0)


def test_backoff_spreads_eight_attempts_over_about_ninety_minutes() -> None:
    total = sum(webhooks.backoff_delay(attempt, rng=lambda: 0.5) for attempt in range(1, 8))
    assert 80 * 60 <= total <= 100 * 60
    assert (
        webhooks.backoff_delay(1, rng=lambda: 0.0) == 24 and webhooks.backoff_delay(1, rng=lambda: 1.0) == 36
    )
