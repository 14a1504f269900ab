"""Which route module serves which first path segment, so the api function imports a resource's
routes, and the validation and libraries they pull in, on that resource's first request.

A cold start that imported all of them paid for phonenumbers, schwifty, holidays and sepaxml on
every request, /credits included (issue 15). The table is checked against the template's routes by
tests/unit/test_route_registry.py: every route the template declares is served by the modules
listed for its first segment, and a module serves nothing outside its segments.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Final

ROUTES_PACKAGE: Final = "debtload.api.routes"

# The order in which a full resolver includes the modules: exports before collections, so that
# /collections/exports is never read as a collection id.
ROUTE_MODULES: Final[tuple[str, ...]] = (
    "system",
    "console",
    "credits",
    "settings",
    "jobs",
    "activity",
    "me",
    "webhooks",
    "cases",
    "ingestion",
    "campaigns",
    "customers",
    "call_runs",
    "imports",
    "import_mappings",
    "debts",
    "collection_exports",
    "collections",
)

MODULES_BY_SEGMENT: Final[Mapping[str, tuple[str, ...]]] = {
    "health": ("system",),
    "console": ("console",),
    "credits": ("credits",),
    "settings": ("settings",),
    "jobs": ("jobs", "activity"),
    "me": ("me",),
    "webhooks": ("webhooks",),
    "cases": ("cases",),
    "ingestion-jobs": ("ingestion",),
    "campaigns": ("campaigns",),
    "customers": ("customers",),
    "call-runs": ("call_runs",),
    "imports": ("imports",),
    "import-mappings": ("import_mappings",),
    "debts": ("debts",),
    "timelines": ("debts",),
    "collections": ("collection_exports", "collections"),
}

# The API's own description lists every route, so it is served by a resolver holding all of them.
DOCUMENT_SEGMENTS: Final = frozenset({"docs", "openapi.json"})


def first_segment(path: str) -> str:
    return path.strip("/").split("/", 1)[0]


def modules_for(segment: str) -> tuple[str, ...]:
    if segment in DOCUMENT_SEGMENTS:
        return ROUTE_MODULES
    return MODULES_BY_SEGMENT.get(segment, ())


def route_module(name: str) -> ModuleType:
    return importlib.import_module(f"{ROUTES_PACKAGE}.{name}")


class LazyByKey[T]:
    """Builds a value per key on first use, once, even when threads ask at the same time (the
    local stack serves requests on threads; Lambda serves one at a time)."""

    def __init__(self, build: Callable[[str], T]) -> None:
        self._build = build
        self._built: dict[str, T] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> T:
        built = self._built.get(key)
        if built is not None:
            return built
        with self._lock:
            built = self._built.get(key)
            if built is None:
                built = self._build(key)
                self._built[key] = built
            return built

    def built_keys(self) -> frozenset[str]:
        return frozenset(self._built)
