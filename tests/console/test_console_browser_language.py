"""The language filter and the English rendering in a real browser (Playwright and Debian's
Chromium, as tests/console/test_console_browser.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from console_fixtures import ConsoleEnv, build_console_env
from language_fixtures import CLAIMED_IDENTITY_ZH, STORY_ZH, LanguageReports, seed_language_reports
from test_console_browser import SCREENSHOTS, browser, new_page, queue_references, sign_in
from werkzeug.serving import BaseWSGIServer, make_server

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the fixture, imported for the tests below


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[ConsoleEnv, LanguageReports, str]]:
    env = build_console_env(tmp_path_factory.mktemp("browser-language"))
    with env.session() as session:
        languages = seed_language_reports(session)
    server: BaseWSGIServer = make_server("127.0.0.1", 0, env.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield env, languages, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    env.engine.dispose()


def test_filter_by_language_and_open_the_english_rendering(
    served: tuple[ConsoleEnv, LanguageReports, str], browser
) -> None:  # type: ignore[no-untyped-def]
    env, languages, base = served
    page = new_page(browser)
    sign_in(page, base)
    assert len(queue_references(page)) == 10
    assert page.inner_text(f"tr:has(a.ref:has-text('{languages.zh}')) td[data-language]") == (
        "简体中文"
    )

    page.select_option("select[name=language]", "zh")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_url("**language=zh**")
    assert queue_references(page) == [languages.zh]
    assert page.inner_text("#result-count") == "Showing 1–1 of 1 report."

    page.click(f"table.queue a.ref:has-text('{languages.zh}')")
    page.wait_for_url(f"{base}/reports/{languages.zh}")
    assert "简体中文" in page.inner_text("[data-testid=report-language]")
    assert page.inner_text("[data-testid=story]") == STORY_ZH
    assert not page.is_visible("#english-rendering")

    page.click("#open-rendering")
    page.wait_for_url("**rendering=en**")
    rendering = page.locator("#english-rendering")
    rendering.wait_for()
    notice = page.inner_text("[data-testid=rendering-notice]")
    assert "original words are authoritative" in notice
    assert "No machine translation was used" in notice
    text = rendering.inner_text()
    assert "Fake police or officials" in text and "8,000 SGD" in text
    assert CLAIMED_IDENTITY_ZH in text
    # Side by side on a laptop: the original on the left, the rendering on its right.
    original_box = page.locator("[data-testid=original]").bounding_box()
    rendering_box = rendering.bounding_box()
    assert original_box is not None and rendering_box is not None
    assert rendering_box["x"] > original_box["x"] + original_box["width"] - 1
    assert page.inner_text("[data-testid=story]") == STORY_ZH
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#story").screenshot(path=str(SCREENSHOTS / "console-rendering-1280.png"))

    page.click("#close-rendering")
    page.wait_for_url(f"{base}/reports/{languages.zh}#story")
    assert not page.is_visible("#english-rendering")
    page.context.close()


def test_the_rendering_stacks_on_a_tablet(
    served: tuple[ConsoleEnv, LanguageReports, str], browser
) -> None:  # type: ignore[no-untyped-def]
    env, languages, base = served
    page = new_page(browser, width=800)
    sign_in(page, base)
    page.goto(f"{base}/reports/{languages.zh}?rendering=en")
    original_box = page.locator("[data-testid=original]").bounding_box()
    rendering_box = page.locator("#english-rendering").bounding_box()
    assert original_box is not None and rendering_box is not None
    assert rendering_box["y"] >= original_box["y"] + original_box["height"] - 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 800
    page.context.close()
