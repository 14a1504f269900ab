"""GET /console and its files through the api handler (decision 93): no key, the listed files only,
content types, the security headers, and the trailing-slash redirect that keeps relative URLs right."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tests.helpers import api_event
from tests.integration.conftest import Invoke

PAGE = '<!doctype html><title>debtload</title><script src="console/app.js"></script>'
PNG = b"\x89PNG\r\n\x1a\n\x00\xff"


@pytest.fixture
def static_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "index.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "app.js").write_text("console.log('ok')", encoding="utf-8")
    (tmp_path / "i18n").mkdir()
    (tmp_path / "i18n" / "fr.json").write_text('{"hello": "bonjour"}', encoding="utf-8")
    (tmp_path / "logo.png").write_bytes(PNG)
    (tmp_path / "notes.txt").write_text("not served", encoding="utf-8")
    (tmp_path.parent / "secret.js").write_text("outside", encoding="utf-8")
    monkeypatch.setenv("CONSOLE_STATIC_DIR", str(tmp_path))
    return tmp_path


def get(invoke: Invoke, path: str) -> dict:
    resource = "/console" if path.rstrip("/") == "/console" else "/console/{proxy+}"
    proxy = path.removeprefix("/console/")
    params = {"proxy": proxy} if resource != "/console" else None
    return dict(invoke("ApiFunction", api_event("GET", path, resource=resource, path_parameters=params)))


def test_the_page_and_its_files_are_served_without_a_key_with_strict_headers(
    invoke: Invoke, static_dir: Path, moto_resources: object
) -> None:
    page = get(invoke, "/console")
    assert page["statusCode"] == 200
    headers = page["multiValueHeaders"] if "multiValueHeaders" in page else page["headers"]
    flat = {k: (v[0] if isinstance(v, list) else v) for k, v in headers.items()}
    assert flat["Content-Type"] == "text/html; charset=utf-8"
    assert page["body"] == PAGE
    csp = flat["Content-Security-Policy"]
    assert "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;" in csp
    assert (
        "connect-src 'self' https://debtload-imports-123456789012-us-east-1.s3.us-east-1.amazonaws.com;"
        in csp
    )
    assert "frame-ancestors 'none'; base-uri 'none'; form-action 'none'" in csp
    assert flat["X-Content-Type-Options"] == "nosniff" and flat["Referrer-Policy"] == "no-referrer"
    assert flat["Cache-Control"] == "no-cache"

    script = get(invoke, "/console/app.js")
    assert script["statusCode"] == 200 and script["body"] == "console.log('ok')"
    assert "text/javascript" in str(script["multiValueHeaders"]["Content-Type"])
    nested = get(invoke, "/console/i18n/fr.json")
    assert nested["statusCode"] == 200 and "bonjour" in nested["body"]
    image = get(invoke, "/console/logo.png")
    assert image["statusCode"] == 200 and image["isBase64Encoded"] is True
    assert base64.b64decode(image["body"]) == PNG

    # A trailing slash would shift every relative URL: it goes back to the page
    slashed = get(invoke, "/console/")
    assert slashed["statusCode"] == 308
    assert slashed["multiValueHeaders"]["Location"] == ["../console"]


@pytest.mark.parametrize(
    "path",
    [
        "/console/nope.js",
        "/console/notes.txt",
        "/console/..%2Fsecret.js",
        "/console/../secret.js",
        "/console/i18n",
    ],
)
def test_only_files_of_the_listing_are_served(
    invoke: Invoke, static_dir: Path, moto_resources: object, path: str
) -> None:
    missing = get(invoke, path)
    assert missing["statusCode"] == 404
    assert "Content-Security-Policy" in missing["multiValueHeaders"]
