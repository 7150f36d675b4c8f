"""The console in a real browser: Playwright drives Debian's Chromium (headless) against the
console served from a thread on a random loopback port."""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from console_fixtures import AGENCY_A, PASSWORD, ConsoleEnv, build_console_env, email_of
from sqlalchemy import select
from werkzeug.serving import BaseWSGIServer, make_server

from scamreport.storage.models import Report

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "results" / "screenshots"
# Every wait in these tests is bounded by this (milliseconds).
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ConsoleEnv, str]]:
    env = build_console_env(tmp_path_factory.mktemp("browser"))
    server: BaseWSGIServer = make_server("127.0.0.1", 0, env.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield env, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    env.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists():
        reason = f"{CHROMIUM} is missing: run scripts/ensure_chromium.sh (make browser-deps)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000
        )
        yield launched
        launched.close()


def new_page(browser, width: int = 1280, height: int = 900):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": width, "height": height}, accept_downloads=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs  # type: ignore[attr-defined]
    return page


def sign_in(page, base: str, agency: str = AGENCY_A, role: str = "analyst") -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email_of(agency, role))
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{base}/reports")


def queue_references(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("table.queue a.ref").all_inner_texts()


def test_log_in_filter_and_search(served: tuple[ConsoleEnv, str], browser) -> None:  # type: ignore[no-untyped-def]
    env, base = served
    page = new_page(browser)
    sign_in(page, base)
    assert len(queue_references(page)) == 7
    assert env.reports.b_only not in queue_references(page)

    page.select_option("select[name=scam_type]", "fake_shop")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url("**scam_type=fake_shop**")
    assert queue_references(page) == [env.reports.a_plain[1], env.reports.a_plain[0]]

    page.click("text=Clear")
    page.fill("input[name=q]", "Interpol dollars")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**q=Interpol+dollars**")
    assert queue_references(page) == [env.reports.a_hostile]
    assert page.inner_text("#result-count") == "Showing 1–1 of 1 report."
    page.context.close()


def test_queue_layout_on_a_laptop_and_a_tablet(served: tuple[ConsoleEnv, str], browser) -> None:  # type: ignore[no-untyped-def]
    env, base = served
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 800):
        page = new_page(browser, width=width)
        sign_in(page, base)
        # Nothing is wider than the window: no sideways scrolling on either device.
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width
        filters_open = page.evaluate("document.querySelector('details.filters').open")
        assert filters_open == (width > 860)  # folded on a tablet, open on a laptop
        if not filters_open:
            page.click("details.filters summary")
        assert page.is_visible("input[name=q]")
        page.screenshot(path=str(SCREENSHOTS / f"console-queue-{width}.png"), full_page=True)
        page.context.close()


def test_open_a_report_view_evidence_and_change_status(
    served: tuple[ConsoleEnv, str], browser
) -> None:  # type: ignore[no-untyped-def]
    env, base = served
    reference = env.reports.a_hostile
    page = new_page(browser)
    sign_in(page, base)
    page.click(f"table.queue a.ref:has-text('{reference}')")
    page.wait_for_url(f"{base}/reports/{reference}")

    # The reporter's HTML is shown as text and nothing in it ran.
    assert "<script>window.__pwned = 1</script>" in page.inner_text("[data-testid=story]")
    assert page.evaluate("window.__pwned") is None
    assert page.dialogs == []  # type: ignore[attr-defined]

    # The screenshot loads inline; its SHA-256 is printed beside it.
    image = page.locator("img.evidence-image")
    image.wait_for()
    page.wait_for_function("document.querySelector('img.evidence-image').naturalWidth > 0")
    assert image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [48, 32]
    expected_hash = hashlib.sha256(env.evidence_files["document"]).hexdigest()
    assert expected_hash in page.inner_text("#evidence")
    with page.expect_download() as download_info:
        page.click("li.evidence-item:has-text('receipt.pdf') a:has-text('Download')")
    download = download_info.value
    assert download.suggested_filename == "receipt.pdf"
    assert hashlib.sha256(Path(download.path()).read_bytes()).hexdigest() == expected_hash

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / "console-report-1280.png"), full_page=True)

    page.select_option("#status-form select[name=status]", "in_review")
    page.click("#status-form button[type=submit]")
    page.wait_for_selector("text=Status changed to in review. The reporter will be told.")
    assert page.inner_text("#workflow .badge") == "In review"
    with env.session() as session:
        assert (
            session.scalar(select(Report.status).where(Report.reference == reference))
            == "in_review"
        )

    tablet = new_page(browser, width=800)
    sign_in(tablet, base)
    tablet.goto(f"{base}/reports/{reference}")
    assert tablet.evaluate("document.documentElement.scrollWidth") <= 800
    tablet.screenshot(path=str(SCREENSHOTS / "console-report-800.png"), full_page=True)
    tablet.context.close()
    page.context.close()


def test_export_csv_of_the_filtered_queue(served: tuple[ConsoleEnv, str], browser) -> None:  # type: ignore[no-untyped-def]
    env, base = served
    page = new_page(browser)
    sign_in(page, base)
    page.goto(f"{base}/reports?scam_type=fake_shop")
    with page.expect_download() as download_info:
        page.click(".exports a:has-text('CSV')")
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["reference"] for row in rows] == [env.reports.a_plain[1], env.reports.a_plain[0]]
    page.context.close()


def test_an_admin_finds_the_audit_entry_of_a_read(served: tuple[ConsoleEnv, str], browser) -> None:  # type: ignore[no-untyped-def]
    env, base = served
    reference = env.reports.a_phishing
    analyst = new_page(browser)
    sign_in(analyst, base)
    analyst.goto(f"{base}/reports/{reference}")
    analyst.context.close()

    admin = new_page(browser)
    sign_in(admin, base, role="admin")
    admin.click("nav.mainnav a:has-text('Audit log')")
    admin.fill("input[name=report]", reference)
    admin.select_option("select[name=action]", "view_report")
    admin.click("form.filter-grid button[type=submit]")
    admin.wait_for_url("**action=view_report**")
    rows = admin.locator("table.audit tbody tr")
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert email_of(AGENCY_A, "analyst") in row and reference in row and "view_report" in row
    admin.context.close()


def test_open_a_cluster_and_click_through_the_graph(
    served: tuple[ConsoleEnv, str], browser
) -> None:  # type: ignore[no-untyped-def]
    env, base = served
    page = new_page(browser)
    sign_in(page, base)
    page.click("nav.mainnav a:has-text('Networks')")
    page.wait_for_url(f"{base}/networks")
    page.click("a.cluster-open")
    page.wait_for_url(f"{base}/networks/report/**")
    page.wait_for_selector(".graph[data-drawn]")
    nodes = page.locator(".graph svg a[data-node]")
    labels = set(nodes.evaluate_all("links => links.map(a => a.dataset.node)"))
    assert {env.reports.a_hostile, env.reports.a_phishing} <= labels
    assert "phone:+6581234567" in labels
    assert env.reports.b_only not in labels
    assert page.evaluate("window.__pwned") is None
    page.click(f".graph svg a[data-node='{env.reports.a_phishing}']")
    page.wait_for_url(f"{base}/reports/{env.reports.a_phishing}")
    page.go_back()
    page.wait_for_selector(".graph[data-drawn]")
    page.click(".graph svg a[data-node='phone:+6581234567']")
    page.wait_for_url("**/indicators?kind=phone**")
    assert env.reports.a_hostile in page.inner_text("main")
    page.context.close()


def test_a_form_posted_without_its_csrf_token_is_refused(
    served: tuple[ConsoleEnv, str], browser
) -> None:  # type: ignore[no-untyped-def]
    env, base = served
    reference = env.reports.a_plain[0]
    page = new_page(browser)
    sign_in(page, base)
    page.goto(f"{base}/reports/{reference}")
    page.evaluate("document.querySelector('#status-form input[name=csrf_token]').remove()")
    page.click("#status-form button[type=submit]")
    page.wait_for_selector("text=Form refused")
    assert "security token" in page.inner_text("main")
    with env.session() as session:
        assert (
            session.scalar(select(Report.status).where(Report.reference == reference)) == "received"
        )
    page.context.close()
