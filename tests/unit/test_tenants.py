from __future__ import annotations

from dataclasses import replace

import pytest

from debtload.domain.errors import BadRequest, NotFound
from debtload.domain.tenants import (
    authenticate,
    create_tenant,
    extract_api_key,
    hash_key,
    new_key_record,
    revoke_key,
    slugify,
    tenant_id_of_key,
)
from debtload.scopes import ALL_SCOPES
from tests.fakes.tenants import MemoryTenants


def test_created_key_authenticates_to_its_tenant_with_all_scopes_by_default() -> None:
    repo = MemoryTenants()
    created = create_tenant(repo, "Acme Recouvrement", initial_credits=100)

    principal = authenticate(repo, created.api_key)

    assert principal is not None
    assert principal.tenant_id == created.tenant.tenant_id
    assert principal.scopes == frozenset(ALL_SCOPES)
    assert created.tenant.tenant_id.startswith("acme-recouvrement-")
    assert repo.credits[created.tenant.tenant_id] == 100


def test_only_the_hash_of_the_key_is_stored() -> None:
    repo = MemoryTenants()
    created = create_tenant(repo, "acme")
    (stored,) = repo.keys.values()
    assert stored.key_hash == hash_key(created.api_key)
    assert created.api_key not in repr(repo.keys)


@pytest.mark.parametrize(
    "key",
    [None, "", "garbage", "dlk.acme", "dlk..secret", "xyz.acme-1.secret", "dlk.UPPER.secret", "dlk.acme-1."],
)
def test_malformed_keys_never_authenticate(key: str | None) -> None:
    assert authenticate(MemoryTenants(), key) is None


def test_wrong_secret_or_revoked_key_is_refused() -> None:
    repo = MemoryTenants()
    created = create_tenant(repo, "acme")
    tampered = created.api_key[:-2] + ("AA" if not created.api_key.endswith("AA") else "BB")
    assert authenticate(repo, tampered) is None
    (key,) = repo.keys.values()
    repo.keys[(key.tenant_id, key.key_hash)] = replace(key, revoked=True)
    assert authenticate(repo, created.api_key) is None


def test_restricted_scopes_and_unknown_scope_rejected() -> None:
    repo = MemoryTenants()
    created = create_tenant(repo, "acme", scopes=["debts:read"])
    principal = authenticate(repo, created.api_key)
    assert principal is not None and principal.scopes == frozenset({"debts:read"})
    with pytest.raises(BadRequest, match="Unknown scope"):
        create_tenant(repo, "acme", scopes=["debts:delete"])


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Authorization": "Bearer k1"}, "k1"),
        ({"authorization": "bearer   k2 "}, "k2"),
        ({"X-Api-Key": "k3"}, "k3"),
        ({"XApiKey": "k4"}, "k4"),
        ({"x-api-key": "k5"}, "k5"),
        ({"Authorization": "Basic abc"}, None),
        ({"Authorization": "Basic abc", "X-Api-Key": "k6"}, "k6"),
        ({}, None),
        (None, None),
    ],
)
def test_key_is_read_from_the_three_documented_headers(
    headers: dict[str, str] | None, expected: str | None
) -> None:
    assert extract_api_key(headers) == expected


def test_tenant_id_of_key_and_slugify() -> None:
    assert tenant_id_of_key("dlk.acme-3f9a0c.s3cr3t") == "acme-3f9a0c"
    assert slugify("Société Générale  Recouvrement!") == "societe-generale-recouvr"
    assert slugify("***") == "tenant"


def test_a_revoked_key_no_longer_authenticates_and_the_others_still_do() -> None:
    repo = MemoryTenants()
    created = create_tenant(repo, "acme")
    tenant_id = created.tenant.tenant_id
    second, record = new_key_record(tenant_id, ["debts:read"])
    repo.add_api_key(record)
    revoked = revoke_key(repo, tenant_id, created.api_key)
    assert revoked.key_hash == hash_key(created.api_key)
    assert authenticate(repo, created.api_key) is None
    assert authenticate(repo, second) is not None
    assert revoke_key(repo, tenant_id, record.key_id).key_id == record.key_id
    assert authenticate(repo, second) is None


def test_a_key_is_named_by_a_hash_prefix_that_must_be_unique_and_long_enough() -> None:
    repo = MemoryTenants()
    created = create_tenant(repo, "acme")
    tenant_id = created.tenant.tenant_id
    full_hash = hash_key(created.api_key)
    with pytest.raises(BadRequest, match="at least 8 hex"):
        revoke_key(repo, tenant_id, full_hash[:7])
    with pytest.raises(NotFound):
        revoke_key(repo, tenant_id, "0" * 64 if not full_hash.startswith("0") else "1" * 64)
    revoke_key(repo, tenant_id, full_hash[:8].upper())
    assert authenticate(repo, created.api_key) is None


def test_another_tenants_key_or_an_unknown_tenant_is_refused() -> None:
    repo = MemoryTenants()
    acme = create_tenant(repo, "acme")
    other = create_tenant(repo, "other")
    with pytest.raises(BadRequest, match="belongs to tenant"):
        revoke_key(repo, acme.tenant.tenant_id, other.api_key)
    with pytest.raises(NotFound):
        revoke_key(repo, "nobody-000000", acme.api_key)
    assert authenticate(repo, other.api_key) is not None
