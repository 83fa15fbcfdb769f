"""The people directory filters as you type, in headless Chromium, with no network at all."""

from __future__ import annotations

import contextlib
import functools
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from people_sites import example  # noqa: F401 (fixture)

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"headless Chromium not installed ({CHROMIUM})"),
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def handle(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            super().handle()


@pytest.fixture(scope="module")
def served(example: Path) -> Iterator[str]:  # noqa: F811
    handler = functools.partial(_Quiet, directory=str(example / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield chromium
        finally:
            chromium.close()


def visible_people(page: Any) -> list[str]:
    return page.eval_on_selector_all(
        "article table tbody tr",
        "rows => rows.filter(r => r.offsetParent !== null).map(r => r.cells[0].textContent.trim())",
    )


def test_type_a_skill_and_see_the_right_people(served: str, browser: Any) -> None:
    page = browser.new_page()
    elsewhere: list[str] = []

    def local_only(route: Any) -> None:
        if route.request.url.startswith(served):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", local_only)
    page.goto(served + "people/")
    box = page.locator("[data-digest-people] input")
    box.wait_for()
    assert len(visible_people(page)) == 22  # ANSWER_KEY: 22 members
    assert "22" in page.locator(".digest-people-count").inner_text()

    page.select_option("[data-digest-people] select", "skills")
    box.fill("统计")  # Tom (R, 统计, 因果推断) and 北京小王 (统计专业) said so in their introductions
    assert sorted(visible_people(page)) == ["Tom", "北京-学生-小王"]
    box.fill("postgres")  # Tunde: "Happy to help with APIs, Postgres and Linux"
    assert visible_people(page) == ["Tunde"]
    box.fill("dbt")  # Ana lists it (curated); Tunde is learning it, which is not a skill
    assert visible_people(page) == ["Ana"]

    page.select_option("[data-digest-people] select", "seeking")
    box.fill("招聘")  # Amy is hiring two junior analysts (143)
    assert visible_people(page) == ["Amy"]

    page.select_option("[data-digest-people] select", "city")
    box.fill("上海")
    assert visible_people(page) == ["上海-数据分析-小王"]

    box.fill("")
    assert len(visible_people(page)) == 22
    # The filter itself loads nothing: only the theme reaches out (web fonts, and the sitemap
    # of site_url for instant navigation), and those requests were refused.
    theme = (
        "https://fonts.googleapis.com/",
        "https://fonts.gstatic.com/",
        "https://example.org/digest/sitemap.xml",
    )
    assert [url for url in elsewhere if not url.startswith(theme)] == []
    page.close()
