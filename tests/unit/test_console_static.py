"""The console's files keep the promises docs/console.md makes of them, checked without a browser: small,
nothing fetched off the machine, the key never in localStorage or a URL, no markup built from text."""

from __future__ import annotations

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "layers" / "core" / "debtload" / "console_static"
# docs/console.md states the weight; this budget leaves room to grow without a framework.
BUDGET_BYTES = 80_000


def files() -> list[Path]:
    return sorted(p for p in STATIC.iterdir() if p.is_file())


def test_the_console_stays_small() -> None:
    total = sum(p.stat().st_size for p in files())
    assert 0 < total <= BUDGET_BYTES, total


def test_nothing_is_fetched_from_another_origin() -> None:
    for path in files():
        text = path.read_text(encoding="utf-8")
        # No absolute URL at all: every asset and API call is relative (decision 93), no CDN, no font.
        assert not re.search(r"""(?:src|href|url\()\s*=?\s*["']?(?:https?:)?//""", text), path.name
        assert "@import" not in text and "@font-face" not in text, path.name


def test_the_key_is_kept_for_the_tab_only_and_no_markup_is_parsed() -> None:
    scripts = {p.name: p.read_text(encoding="utf-8") for p in files() if p.suffix == ".js"}
    assert scripts
    for name, text in scripts.items():
        assert "localStorage" not in text, name
        assert ".innerHTML" not in text and ".outerHTML" not in text and "insertAdjacentHTML" not in text, (
            name
        )
        assert "eval(" not in text and "new Function" not in text, name
    assert "sessionStorage.setItem(KEY, key)" in scripts["api.js"]
    assert '"X-Api-Key"' in scripts["api.js"]


def test_the_page_has_no_inline_script_or_style_the_csp_would_refuse() -> None:
    page = (STATIC / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert "<style" not in page and " style=" not in page
    assert not re.search(r"\son[a-z]+=", page)
