"""Tenants and their API keys.

A key reads `dlk.<tenant_id>.<secret>`: the tenant id inside the key lets the authorizer fetch the
one item `(TENANT#<tenant_id>, KEY#<sha256>)`, so even key lookups stay inside the tenant's partition
and no index spans tenants. Only the SHA-256 of a key is stored; the key is shown once, at creation.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from debtload.domain.errors import BadRequest, NotFound
from debtload.scopes import ALL_SCOPES, unknown_scopes

KEY_PREFIX = "dlk"
_TENANT_ID_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
# Header names are case-insensitive; these are looked up lower-cased, in this order.
KEY_HEADERS = ("authorization", "x-api-key", "xapikey")


@dataclass(frozen=True, slots=True)
class Tenant:
    tenant_id: str
    name: str
    created_at: str


@dataclass(frozen=True, slots=True)
class ApiKeyRecord:
    tenant_id: str
    key_hash: str
    key_id: str
    scopes: frozenset[str]
    created_at: str
    revoked: bool = False


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the authorizer hands this to the api function through its context."""

    tenant_id: str
    key_id: str
    scopes: frozenset[str] = field(default_factory=frozenset)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


@dataclass(frozen=True, slots=True)
class CreatedTenant:
    tenant: Tenant
    api_key: str
    scopes: tuple[str, ...]


class TenantRepository(Protocol):
    def create_tenant(self, tenant: Tenant, key: ApiKeyRecord, initial_credits: int) -> None: ...

    def find_api_key(self, tenant_id: str, key_hash: str) -> ApiKeyRecord | None: ...

    def add_api_key(self, key: ApiKeyRecord) -> None: ...

    def get_tenant(self, tenant_id: str) -> Tenant | None: ...

    def list_api_keys(self, tenant_id: str) -> list[ApiKeyRecord]: ...

    def revoke_api_key(self, tenant_id: str, key_hash: str) -> None: ...


def hash_key(api_key: str) -> str:
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def tenant_id_of_key(api_key: str) -> str | None:
    parts = api_key.split(".")
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not _TENANT_ID_RE.match(parts[1]) or not parts[2]:
        return None
    return parts[1]


def extract_api_key(headers: Mapping[str, str] | None) -> str | None:
    """The key from `Authorization: Bearer`, `X-Api-Key` or `XApiKey`, whatever the header case."""
    if not headers:
        return None
    lowered = {name.lower(): value for name, value in headers.items() if isinstance(value, str)}
    for header in KEY_HEADERS:
        value = lowered.get(header, "").strip()
        if not value:
            continue
        if header == "authorization":
            scheme, _, token = value.partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                continue
            value = token.strip()
        return value
    return None


def authenticate(repo: TenantRepository, api_key: str | None) -> Principal | None:
    if not api_key:
        return None
    tenant_id = tenant_id_of_key(api_key)
    if tenant_id is None:
        return None
    record = repo.find_api_key(tenant_id, hash_key(api_key))
    if record is None or record.revoked:
        return None
    return Principal(tenant_id=record.tenant_id, key_id=record.key_id, scopes=record.scopes)


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:24].strip("-") or "tenant"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_key_record(tenant_id: str, scopes: Iterable[str]) -> tuple[str, ApiKeyRecord]:
    scope_list = sorted(set(scopes))
    unknown = unknown_scopes(scope_list)
    if unknown:
        raise BadRequest(
            f"Unknown scope(s): {', '.join(unknown)}", {"scopes": f"known scopes: {' '.join(ALL_SCOPES)}"}
        )
    if not scope_list:
        raise BadRequest("A key needs at least one scope")
    api_key = f"{KEY_PREFIX}.{tenant_id}.{secrets.token_urlsafe(32)}"
    record = ApiKeyRecord(
        tenant_id=tenant_id,
        key_hash=hash_key(api_key),
        key_id="key_" + secrets.token_hex(6),
        scopes=frozenset(scope_list),
        created_at=_now(),
    )
    return api_key, record


def create_tenant(
    repo: TenantRepository, name: str, scopes: Iterable[str] | None = None, initial_credits: int = 0
) -> CreatedTenant:
    if not name.strip():
        raise BadRequest("A tenant needs a name")
    if initial_credits < 0:
        raise BadRequest("Initial credits cannot be negative")
    tenant_id = f"{slugify(name)}-{secrets.token_hex(3)}"
    api_key, record = new_key_record(tenant_id, ALL_SCOPES if scopes is None else scopes)
    tenant = Tenant(tenant_id=tenant_id, name=name.strip(), created_at=record.created_at)
    repo.create_tenant(tenant, record, initial_credits)
    return CreatedTenant(tenant=tenant, api_key=api_key, scopes=tuple(sorted(record.scopes)))


# A hash prefix shorter than this could name several keys by accident.
MIN_HASH_PREFIX = 8


def revoke_key(repo: TenantRepository, tenant_id: str, key: str) -> ApiKeyRecord:
    """Revoke one of a tenant's keys, named by the key itself, its key id or a prefix of its hash.

    The authorizer refuses a revoked key at once (its results are not cached), and the record stays,
    so the key id still explains past requests in the logs.
    """
    key = key.strip()
    if repo.get_tenant(tenant_id) is None:
        raise NotFound(f"Tenant {tenant_id} not found")
    if tenant_id_of_key(key) is not None:
        if tenant_id_of_key(key) != tenant_id:
            raise BadRequest(f"This key belongs to tenant {tenant_id_of_key(key)}, not {tenant_id}")
        matches = [r for r in repo.list_api_keys(tenant_id) if r.key_hash == hash_key(key)]
    elif key.startswith("key_"):
        matches = [r for r in repo.list_api_keys(tenant_id) if r.key_id == key]
    elif len(key) >= MIN_HASH_PREFIX and re.fullmatch(r"[0-9a-f]+", key.lower()):
        matches = [r for r in repo.list_api_keys(tenant_id) if r.key_hash.startswith(key.lower())]
    else:
        raise BadRequest(
            "KEY must be the API key, its key id (key_...) or at least "
            f"{MIN_HASH_PREFIX} hex characters of its SHA-256 hash"
        )
    if not matches:
        raise NotFound(f"No key of tenant {tenant_id} matches {key[:16]}")
    if len(matches) > 1:
        raise BadRequest(
            f"{len(matches)} keys of tenant {tenant_id} match {key}; give more of the hash",
            {m.key_id: m.key_hash[:16] for m in matches},
        )
    (record,) = matches
    repo.revoke_api_key(tenant_id, record.key_hash)
    return record
