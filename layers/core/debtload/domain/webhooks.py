"""Webhooks: one endpoint per tenant, signed deliveries, retries with backoff, replay.

Signature: `Debtload-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, the same shape as
Stripe's, so receivers can reuse what they know; `verify_signature` is what a receiver runs.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import random
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from debtload.domain.errors import BadRequest, NotFound, ValidationFailed

EVENT_TYPES = (
    "job.completed",
    "job.failed",
    "job.canceled",
    "collections.bulk.completed",
    "bulk_collections_completed",
    "collections.bulk.approved",
    "collections.bulk.rejected",
    "import.completed",
    "call_run.completed",
)
# Event names of the seeds that mean one of ours: a subscription under either receives the event.
ALIASES = {"collections.bulk.completed": ("bulk_collections_completed",)}


def _names_of(event_type: str) -> tuple[str, ...]:
    return (event_type, *ALIASES.get(event_type, ()))


# Delay after attempt n (1-based) before attempt n+1: 8 attempts spread over about 1.5 hours.
BACKOFF_SECONDS = (30, 60, 150, 300, 600, 1500, 2700)
SIGNATURE_HEADER = "Debtload-Signature"
# Delivery states that a duplicate message leaves alone; only a replay takes an event out of them.
SETTLED = ("delivered", "skipped", "disabled", "failed")
SIGNATURE_TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(
    secret: str,
    header: str,
    body: bytes,
    now: float | None = None,
    tolerance: int = SIGNATURE_TOLERANCE_SECONDS,
) -> bool:
    """Constant-time check of a Debtload-Signature header, refusing stale timestamps (replays)."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs((now if now is not None else time.time()) - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def backoff_delay(
    attempt: int, rng: Callable[[], float] = random.random, first_retry_seconds: int = 30
) -> int:
    """Seconds to wait after failed attempt `attempt`, with ±20 % jitter so retries don't align.

    The schedule scales with `first_retry_seconds` (30 by default, the WebhookFirstRetrySeconds parameter)."""
    base = BACKOFF_SECONDS[min(attempt, len(BACKOFF_SECONDS)) - 1] * first_retry_seconds / BACKOFF_SECONDS[0]
    return max(1, int(base * (0.8 + 0.4 * rng())))


def mask_secret(secret: str) -> str:
    return secret[:10] + "…" + secret[-4:] if len(secret) > 16 else "…"


@dataclass(frozen=True, slots=True)
class Endpoint:
    url: str
    events: tuple[str, ...]
    secret: str
    enabled: bool = True
    disabled_reason: str | None = None


class WebhookStore(Protocol):
    def get_endpoint(self, tenant_id: str) -> Endpoint | None: ...

    def put_endpoint(self, tenant_id: str, endpoint: Endpoint) -> None: ...

    def disable_endpoint(self, tenant_id: str, reason: str) -> None: ...

    def get_event(self, tenant_id: str, event_id: str) -> dict[str, Any] | None: ...

    def record_attempt(self, tenant_id: str, event_id: str, status: str, detail: str) -> int:
        """Store the outcome of an attempt; returns the attempt count so far."""
        ...

    def claim_delivery(self, tenant_id: str, event_id: str, lease_seconds: float) -> bool:
        """Take the event for one attempt, unless it is settled or another attempt holds it.

        Two queue messages of one event (a republished terminal event) are delivered by concurrent
        workers; the claim is what makes the receiver see it once. The lease ends with the attempt
        (record_attempt), or by itself after `lease_seconds` if that worker dies."""
        ...

    def reset_event(self, tenant_id: str, event_id: str) -> None: ...

    def list_events(
        self, tenant_id: str, status: str | None, cursor: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        """The tenant's events in event id order, optionally of one delivery status; raises
        ValueError on a cursor that is not one of this tenant's pages."""
        ...

    def mark_failed(self, tenant_id: str, event_id: str, detail: str) -> None:
        """Settle the event as failed (attempts unchanged): it waits for the tenant's replay."""
        ...

    def schedule_retry(self, tenant_id: str, event_id: str, at: str) -> None:
        """When the next attempt is due (ISO 8601), for the tenant to see (GET /webhooks/events)."""
        ...


class HttpSender(Protocol):
    def post(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> int:
        """POST and return the status code; raise OSError on connection failure."""
        ...


class Resolver(Protocol):
    def __call__(self, host: str) -> Sequence[str]: ...


@dataclass(frozen=True, slots=True)
class Target:
    """Where a delivery goes: the name it is addressed to (Host, SNI, certificate) and its parts."""

    scheme: str
    host: str
    port: int
    path: str


def delivery_target(url: str, allow_private: bool) -> Target:
    """The URL's parts, refusing anything but https (plain http only where private targets are allowed:
    the local stack, whose receivers listen on loopback)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationFailed(
            "Webhook URL must be an http(s) URL", {"url": "must start with http:// or https://"}
        )
    if parts.scheme != "https" and not allow_private:
        raise ValidationFailed("Webhook URL must use https", {"url": "must start with https://"})
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise ValidationFailed("Webhook URL has a bad port", {"url": str(error)}) from error
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port, path)


def refusal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why a delivery may not connect to `address`, or None: only globally routable unicast addresses
    pass (`is_global` refuses 127/8, 10/8, 100.64/10, 169.254/16, 172.16/12, 192.168/16, ::1, fc00::/7...).
    An IPv4-mapped IPv6 address is judged as the IPv4 address it carries."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if not address.is_global or address.is_multicast:
        return f"{address} is not a public address"
    return None


def checked_addresses(host: str, resolved: Sequence[str], allow_private: bool) -> list[str]:
    """The addresses a delivery to `host` may connect to, given what its name resolved to. Every one
    must pass: a name that also resolves to a private address is refused whole (DNS rebinding)."""
    try:
        addresses = [ipaddress.ip_address(a.split("%", 1)[0]) for a in resolved]
    except ValueError as error:
        raise ValidationFailed("Webhook URL host does not resolve", {"url": str(error)}) from error
    if not addresses:
        raise ValidationFailed("Webhook URL host does not resolve", {"url": f"{host} has no address"})
    if not allow_private:
        for address in addresses:
            reason = refusal(address)
            if reason:
                raise ValidationFailed(
                    "Webhook URL must not point to a private or loopback address",
                    {"url": f"{host}: {reason}"},
                )
    return [str(a) for a in dict.fromkeys(addresses)]


def check_url(url: str, allow_private: bool, resolver: Resolver | None = None) -> str:
    """The check at `PUT /webhooks`, so a tenant hears at once; each delivery checks again."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationFailed(
            "Webhook URL must be an http(s) URL", {"url": "must start with http:// or https://"}
        )
    if allow_private:
        return url
    if resolver is None:
        raise ValueError("a resolver is needed to check a URL where private targets are refused")
    try:
        resolved = resolver(parts.hostname)
    except (OSError, ValueError) as error:
        raise ValidationFailed("Webhook URL host does not resolve", {"url": str(error)}) from error
    checked_addresses(parts.hostname, resolved, allow_private)
    delivery_target(url, allow_private)
    return url


def set_endpoint(
    store: WebhookStore,
    tenant_id: str,
    url: str,
    events: Sequence[str],
    allow_private: bool,
    resolver: Resolver | None = None,
) -> dict[str, Any]:
    unknown = [e for e in events if e not in EVENT_TYPES]
    if unknown:
        raise ValidationFailed(
            f"Unknown event type(s): {', '.join(unknown)}", {"events": f"known: {', '.join(EVENT_TYPES)}"}
        )
    if not events:
        raise ValidationFailed("Subscribe to at least one event type", {"events": "must not be empty"})
    check_url(url, allow_private, resolver)
    endpoint = Endpoint(
        url=url, events=tuple(dict.fromkeys(events)), secret="whsec_" + secrets.token_urlsafe(32)
    )
    store.put_endpoint(tenant_id, endpoint)
    return {"url": endpoint.url, "events": list(endpoint.events), "secret": endpoint.secret}


def show_endpoint(store: WebhookStore, tenant_id: str) -> dict[str, Any]:
    endpoint = store.get_endpoint(tenant_id)
    if endpoint is None:
        raise NotFound("No webhook endpoint is configured")
    return {
        "url": endpoint.url,
        "events": list(endpoint.events),
        "secret": mask_secret(endpoint.secret),
        "enabled": endpoint.enabled,
        "disabled_reason": endpoint.disabled_reason,
    }


class RetryLater(Exception):
    def __init__(self, delay_seconds: int, reason: str) -> None:
        super().__init__(reason)
        self.delay_seconds = delay_seconds


def event_body(event: Mapping[str, Any]) -> bytes:
    payload = {
        "id": event["event_id"],
        "type": event["type"],
        "created_at": event["created_at"],
        "data": event["data"],
    }
    return json.dumps(payload, separators=(",", ":"), default=str).encode()


def deliver(
    store: WebhookStore,
    sender: HttpSender,
    tenant_id: str,
    event_id: str,
    *,
    now: Callable[[], float] = time.time,
    timeout: float = 10.0,
    first_retry_seconds: int = 30,
    max_attempts: int = 8,
) -> str:
    """One delivery attempt. Returns the outcome, or raises RetryLater with the backoff to wait.

    The attempt that reaches `max_attempts` settles the event as `failed` (visible, replayable)
    rather than leaving its message to the dead-letter queue."""
    event = store.get_event(tenant_id, event_id)
    if event is None:
        return "missing"
    if event.get("delivery_status") in SETTLED:
        return str(event["delivery_status"])  # a duplicate queue message: already settled
    endpoint = store.get_endpoint(tenant_id)
    subscribed = endpoint is not None and bool(set(_names_of(event["type"])) & set(endpoint.events))
    if endpoint is None or not subscribed:
        store.record_attempt(tenant_id, event_id, "skipped", "no endpoint subscribed to this event type")
        return "skipped"
    if not endpoint.enabled:
        store.record_attempt(tenant_id, event_id, "disabled", endpoint.disabled_reason or "endpoint disabled")
        return "disabled"
    if not store.claim_delivery(tenant_id, event_id, lease_seconds=timeout + 5):
        return "in_flight"  # this message is a duplicate: the attempt holding the event settles it
    body = event_body(event)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "debtload-webhooks/1",
        SIGNATURE_HEADER: sign(endpoint.secret, int(now()), body),
        "Debtload-Event-Id": event_id,
    }
    try:
        status = sender.post(endpoint.url, body, headers, timeout)
    except OSError as error:
        status, detail = 0, f"connection failed: {error}"
    else:
        detail = f"HTTP {status}" + (" (redirects are not followed)" if 300 <= status < 400 else "")
    if 200 <= status < 300:
        store.record_attempt(tenant_id, event_id, "delivered", detail)
        return "delivered"
    if status == 410:
        store.disable_endpoint(tenant_id, "the endpoint answered 410 Gone")
        store.record_attempt(tenant_id, event_id, "disabled", detail)
        return "disabled"
    attempts = store.record_attempt(tenant_id, event_id, "retrying", detail)
    if attempts >= max_attempts:
        store.mark_failed(tenant_id, event_id, f"{detail}; gave up after {attempts} attempts")
        return "failed"
    delay = backoff_delay(attempts, first_retry_seconds=first_retry_seconds)
    store.schedule_retry(tenant_id, event_id, _iso(now() + delay))
    raise RetryLater(delay, detail)


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def dead_lettered(store: WebhookStore, tenant_id: str, event_id: str, receives: int) -> str:
    """A message that ran out of receives (a crash or a timeout between attempts) settles its event."""
    event = store.get_event(tenant_id, event_id)
    if event is None:
        return "missing"
    if event.get("delivery_status") in SETTLED:
        return str(event["delivery_status"])
    store.mark_failed(
        tenant_id, event_id, f"moved to the dead-letter queue after {receives} receives; replay to send again"
    )
    return "failed"


def replay(store: WebhookStore, tenant_id: str, event_id: str) -> dict[str, Any]:
    event = store.get_event(tenant_id, event_id)
    if event is None:
        raise NotFound(f"Event {event_id} not found")
    store.reset_event(tenant_id, event_id)
    return event


DELIVERY_STATUSES = ("pending", "retrying", *SETTLED)


def event_view(event: Mapping[str, Any]) -> dict[str, Any]:
    """What the tenant sees of an event's delivery: enough to decide what to replay."""
    data = event.get("data") or {}
    return {
        "id": event["event_id"],
        "type": event["type"],
        "created_at": event.get("created_at"),
        "delivery_status": event.get("delivery_status", "pending"),
        "attempts": int(event.get("attempts", 0)),
        "last_attempt": event.get("last_attempt"),
        "last_attempt_at": event.get("last_attempt_at"),
        "failed_at": event.get("failed_at"),
        "next_attempt_at": event.get("next_attempt_at")
        if event.get("delivery_status") == "retrying"
        else None,
        **({"job_id": data["job_id"]} if isinstance(data, Mapping) and "job_id" in data else {}),
        **({"import_id": data["import_id"]} if isinstance(data, Mapping) and "import_id" in data else {}),
    }


def list_events(
    store: WebhookStore, tenant_id: str, status: str | None, cursor: str | None, limit: int
) -> dict[str, Any]:
    """GET /webhooks/events: e.g. `?status=failed` lists what ran out of attempts, to replay."""
    if status is not None and status not in DELIVERY_STATUSES:
        raise BadRequest(
            f"Unknown delivery status {status!r}",
            {"status": f"one of {', '.join(DELIVERY_STATUSES)}"},
        )
    try:
        events, next_cursor = store.list_events(tenant_id, status, cursor, limit)
    except ValueError as error:
        raise BadRequest("Invalid cursor", {"cursor": str(error)}) from error
    return {"results": [event_view(e) for e in events], "next_cursor": next_cursor}
