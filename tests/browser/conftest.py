"""The console in a real browser: Debian's Chromium, driven by Playwright (sync API), against its own
local stack on free ports (tests/local_stack.py, as the e2e suite starts it).

Every page a test opens is watched: a script error or console error fails the test, and so does any
request that would leave the machine (each one is aborted and recorded). Without Chromium, Playwright
or axe-core the suite is skipped, with the reason, and a banner at the end of the run says so.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from devstack.template import PROJECT_ROOT
from tests.local_stack import Running, running_stack

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("DEBTLOAD_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT_ROOT / "docs" / "console"
WIDTHS = {"desktop": (1280, 860), "mobile": (390, 844)}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
# The API's answers the page expects and handles (no mapping saved, no webhook endpoint): Chromium
# logs any 4xx fetch as "Failed to load resource", which is not a script error.
EXPECTED_MISSES = re.compile(r"/(import-mappings/[a-z]+|webhooks)$")


def missing_requirement() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -r requirements-dev.txt)"
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium, or set DEBTLOAD_CHROMIUM)"
    if not AXE.exists():
        return "axe-core is not installed (npm ci)"
    return None


MISSING = missing_requirement()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if MISSING is None:
        return
    if os.environ.get("DEBTLOAD_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"the browser tests must run here (DEBTLOAD_REQUIRE_BROWSER=1): {MISSING}")
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.skip(reason=f"BROWSER TESTS DID NOT RUN: {MISSING}"))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if MISSING is None:
        return
    line = "!" * 78
    terminalreporter.write_line(line, red=True, bold=True)
    terminalreporter.write_line(
        f"THE BROWSER TESTS (tests/browser) DID NOT RUN: {MISSING}", red=True, bold=True
    )
    terminalreporter.write_line(line, red=True, bold=True)


@pytest.fixture(scope="package")
def console_stack() -> Iterator[Running]:
    with running_stack() as running:
        yield running


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@dataclass
class Console:
    """One person's browser tab on the console, watched for errors and for requests off the machine."""

    stack: Running
    page: Any
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"{self.stack.stack.api_url}/console"

    def open(self, route: str = "") -> None:
        self.page.goto(self.url + (f"#/{route}" if route else ""))
        self.page.wait_for_load_state("networkidle")

    def sign_in(self, key: str) -> None:
        self.page.get_by_label(re.compile("API key|Clé d'API")).fill(key)
        self.page.get_by_role("button", name=re.compile("^(Sign in|Se connecter)$")).click()
        self.page.locator("#nav").wait_for(state="visible")

    def sign_out(self) -> None:
        self.page.get_by_role("button", name=re.compile("^(Sign out|Se déconnecter)$")).click()
        self.page.locator("#key").wait_for(state="visible")

    def go(self, section: str) -> None:
        self.page.locator(f'#nav a[data-route="{section}"]').click()
        self.page.wait_for_load_state("networkidle")

    def width(self, name: str) -> None:
        w, h = WIDTHS[name]
        self.page.set_viewport_size({"width": w, "height": h})

    def check_accessibility(self, name: str) -> None:
        """axe-core on the page as it is: no serious or critical violation; a screenshot when asked."""
        self.page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
        result = self.page.evaluate(
            "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map("
            "v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))})))"
        )
        bad = [v for v in result if v["impact"] in ("serious", "critical")]
        assert not bad, f"{name}: {bad}"
        if os.environ.get("DEBTLOAD_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            viewport = self.page.viewport_size or {"width": 0}
            self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{viewport['width']}.png"), full_page=False)

    def assert_clean(self) -> None:
        assert not self.errors, self.errors
        assert not self.blocked, f"requests off the machine: {self.blocked}"


def watched_page(browser: Any, stack: Running, locale: str = "en-GB") -> tuple[Any, Console]:
    context = browser.new_context(
        viewport={"width": WIDTHS["desktop"][0], "height": WIDTHS["desktop"][1]},
        locale=locale,
        accept_downloads=True,
        service_workers="block",
    )
    page = context.new_page()
    console = Console(stack, page)

    def route(request_route: Any) -> None:
        host = urlsplit(request_route.request.url).hostname or ""
        if request_route.request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
            request_route.continue_()
        else:
            console.blocked.append(request_route.request.url)
            request_route.abort()

    def on_console(message: Any) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        if "status of 404" in message.text and EXPECTED_MISSES.search(urlsplit(where).path):
            return
        console.errors.append(f"console: {message.text} ({where})")

    context.route("**/*", route)
    page.on("console", on_console)
    page.on("pageerror", lambda error: console.errors.append(f"pageerror: {error}"))
    return context, console


@pytest.fixture
def console(browser: Any, console_stack: Running) -> Iterator[Console]:
    context, tab = watched_page(browser, console_stack)
    try:
        yield tab
        tab.assert_clean()
    finally:
        context.close()
