"""Every id a route gives what it creates comes from domain/request_ids, derived as before."""

from __future__ import annotations

import ast
import uuid
from pathlib import Path

from debtload.domain import request_ids

ROUTES = Path(__file__).resolve().parents[2] / "layers/core/debtload/api/routes"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_route_makes_its_own_ids() -> None:
    modules = sorted(ROUTES.glob("*.py"))
    assert modules
    assert [p.name for p in modules if "uuid" in _imports(p)] == []


def test_a_key_derives_the_same_ids_as_before_and_a_dry_run_none() -> None:
    def derived(what: str) -> str:
        return str(uuid.uuid5(request_ids.NAMESPACE, f"t1/{what}/key-1"))

    assert request_ids.collection_id("t1", "key-1") == derived("collections")
    assert request_ids.collection_bulk_id("t1", "key-1") == derived("bulks")
    assert request_ids.debts_batch_import_id("t1", "key-1") == derived("debts/batch")
    assert request_ids.single_debt_import_id("t1", "key-1") == derived("debts")
    assert request_ids.collection_id("t1", "key-1", dry_run=True) != derived("collections")
    assert request_ids.collection_id("t1", None) != request_ids.collection_id("t1", None)
