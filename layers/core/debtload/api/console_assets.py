"""The operator console's files (console_static/ in the layer), served by GET /console and
GET /console/{proxy+} with their security headers (decision 93).

The directory is listed once, at the first request, and only the names found then are served: a
request names a key of that listing, never a path, so `..` or an encoded slash finds nothing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Final

DEFAULT_ROOT: Final = Path(__file__).resolve().parent.parent / "console_static"
INDEX: Final = "index.html"
CONTENT_TYPES: Final = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".json": "application/json; charset=utf-8",
    ".woff2": "font/woff2",
}
TEXT_SUFFIXES: Final = frozenset({".html", ".js", ".css", ".svg", ".json"})
# The page re-validates (a deploy changes it at once); the files it names may be cached briefly.
PAGE_CACHE: Final = "no-cache"
ASSET_CACHE: Final = "public, max-age=300"


def content_security_policy(upload_origin: str) -> str:
    connect = f"'self' {upload_origin}".strip()
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src {connect}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


def security_headers(upload_origin: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(upload_origin),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY",
    }


@dataclass(frozen=True, slots=True)
class Asset:
    name: str
    body: bytes
    content_type: str

    @property
    def is_text(self) -> bool:
        return PurePosixPath(self.name).suffix in TEXT_SUFFIXES


class ConsoleAssets:
    def __init__(self, root: Path | str | None = None) -> None:
        self._root = Path(root) if root else DEFAULT_ROOT
        self._names: dict[str, Path] | None = None
        self._lock = threading.Lock()

    def _listing(self) -> dict[str, Path]:
        if self._names is None:
            with self._lock:
                if self._names is None:
                    found: dict[str, Path] = {}
                    if self._root.is_dir():
                        for path in sorted(self._root.rglob("*")):
                            suffix = path.suffix.lower()
                            if path.is_file() and suffix in CONTENT_TYPES and not path.name.startswith("."):
                                found[path.relative_to(self._root).as_posix()] = path
                    self._names = found
        return self._names

    def names(self) -> list[str]:
        return sorted(self._listing())

    def get(self, name: str) -> Asset | None:
        path = self._listing().get(name)
        if path is None:
            return None
        return Asset(name, path.read_bytes(), CONTENT_TYPES[path.suffix.lower()])
