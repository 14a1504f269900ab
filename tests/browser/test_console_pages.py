"""Every page of the console at 1,280 and 390 px: axe-core finds no serious or critical violation,
each works with the keyboard alone, and both languages; with DEBTLOAD_SCREENSHOTS=1 the tests write
the screenshots docs/console.md shows."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.api_requests import debt
from tests.browser.conftest import WIDTHS, Console, watched_page
from tests.browser.test_console import FRENCH_CSV, listed_id, wait_status
from tests.helpers import wait_for
from tests.local_stack import Running


@pytest.fixture(scope="module")
def tenant(console_stack: Running) -> tuple[str, str, str]:
    """A tenant with something on every page: a batch, an imported file, a webhook, a mapping."""
    tenant_id, key = console_stack.tenant("Console pages", credits=500)
    http = console_stack.http(key)
    assert (
        http.post("/debts/batch", {"batch_name": "Relances décembre", "debts": [debt(1), debt(2)]}).status
        == 200
    )
    # A receiver that is not there: its deliveries are retried, then failed, as the page shows them.
    assert (
        http.request(
            "PUT", "/webhooks", {"url": "http://127.0.0.1:9/hooks", "events": ["import.completed"]}
        ).status
        == 200
    )
    mapping = {"columns": {"Portable": "phone", "Reste à payer": "amount"}}
    assert http.request("PUT", "/import-mappings/debts", mapping).status == 200
    console_stack.client("s3").put_object(
        Bucket=console_stack.stack.resource_name("ImportsBucket"),
        Key=f"imports/{tenant_id}/debts/relances-novembre.csv",
        Body=FRENCH_CSV,
    )
    wait_for(
        lambda: any(
            item["terminal"]
            for item in http.get("/jobs", headers={}).json()["results"]
            if item["type"] == "file_import"
        ),
        timeout=60,
    )
    return tenant_id, key, "relances-novembre.csv"


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_passes_axe_at_both_widths(
    console: Console, tenant: tuple[str, str, str], width: str
) -> None:
    _, key, file_name = tenant
    console.width(width)
    console.open()
    console.check_accessibility("sign-in")
    console.sign_in(key)
    item_id = listed_id(console, file_name)
    wait_status(console, item_id, "completed_with_errors")
    console.check_accessibility("jobs")
    console.page.locator(f'#view tbody tr[data-id="{item_id}"] a').click()
    console.page.locator("#view tbody tr[data-row]").first.wait_for()
    console.check_accessibility("job")
    for section in ("upload", "credits", "webhooks", "mappings"):
        console.go(section)
        console.page.locator("#view h1").wait_for()
        console.page.wait_for_load_state("networkidle")
        console.check_accessibility(section)
    # Nothing is wider than the screen but the tables, which scroll in their own focusable region.
    overflow = console.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_the_console_is_usable_with_the_keyboard_alone(
    console: Console, tenant: tuple[str, str, str]
) -> None:
    _, key, file_name = tenant
    page = console.page
    console.open()
    # The skip link comes first in the tab order and moves focus to the content
    first = "document.querySelector('a[href], button:not([hidden]), input, select, [tabindex]').id"
    assert page.evaluate(first) == "skip"
    page.locator("#skip").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # Signing in with the keyboard: the key field has the focus, Enter submits
    page.locator("#key").focus()
    page.keyboard.type(key)
    page.keyboard.press("Enter")
    page.locator("#nav").wait_for(state="visible")
    # The list's links are reached with Tab and followed with Enter
    listed_id(console, file_name)
    link = page.locator("#view tbody a", has_text=file_name)
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == file_name:
            break
    assert link.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"#/jobs/."))
    # A locator, not wait_for_function: Playwright evaluates a polled predicate with eval, which the
    # console's CSP (script-src 'self') refuses once the first try fails.
    page.locator("#view h1:focus").wait_for(timeout=5000)
    # The focused element shows it
    page.locator("#view tbody tr[data-row]").first.wait_for()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    # An action's confirmation opens from the keyboard and Escape closes it, doing nothing
    undo = page.get_by_role("button", name="Undo the import")
    undo.focus()
    page.keyboard.press("Enter")
    dialog = page.locator("dialog#confirm")
    assert dialog.is_visible()
    assert page.evaluate("document.activeElement.id") == "confirm-no"
    page.keyboard.press("Escape")
    assert dialog.is_hidden()
    assert undo.evaluate("el => el === document.activeElement")
    item = console.stack.http(key).get(f"/jobs/{page.url.rsplit('/', 1)[1]}").json()
    assert "undo" in item["actions"]


def test_the_console_speaks_french_from_the_browser_and_switches(
    browser: Any, console_stack: Running, tenant: tuple[str, str, str]
) -> None:
    _, key, file_name = tenant
    context, console = watched_page(browser, console_stack, locale="fr-FR")
    try:
        console.open()
        page = console.page
        assert page.locator("html").get_attribute("lang") == "fr"
        console.sign_in(key)
        item_id = listed_id(console, file_name)
        wait_status(console, item_id, "completed_with_errors")
        assert "terminé avec erreurs" in page.locator(f'tr[data-id="{item_id}"]').inner_text()
        page.get_by_role("button", name="English").click()
        assert page.locator("html").get_attribute("lang") == "en"
        assert "completed with errors" in page.locator(f'tr[data-id="{item_id}"]').inner_text()
        # The choice lasts for the tab (sessionStorage), the key too, and never in localStorage
        page.reload()
        page.locator("#nav").wait_for(state="visible")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.evaluate("localStorage.length") == 0
        assert key not in page.url
        console.sign_out()
        assert page.evaluate("k => Object.values(sessionStorage).includes(k)", key) is False
        console.assert_clean()
    finally:
        context.close()
