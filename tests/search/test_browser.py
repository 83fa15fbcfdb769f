"""Headless Chromium types into the built example site's search box and sees the right Q&A first."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"headless Chromium not installed ({CHROMIUM})"),
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # gbk_csv (ANSWER_KEY #9): a Chinese query with no spaces between its words.
        ("读取csv中文乱码", "qa/求助-pd-read-csv-读公司导出的-csv-报错-unicodedecodeerror-ut/"),
        # jupyter_kernel (ANSWER_KEY #6): an English query.
        ("jupyter kernel not found", "qa/anyone-know-why-jupyter-says-kernel-not-found-for/"),
    ],
)
def test_search_box_puts_the_expected_qa_first(served_example: str, query: str, expected: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            # Only the local server is reached: the theme's web fonts and the like are refused.
            page.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith(served_example) else route.abort()
                ),
            )
            page.goto(served_example)
            box = page.locator("input.md-search__input")
            box.click()
            box.press_sequentially(query, delay=10)
            first = page.locator(".md-search-result__item a.md-search-result__link").first
            first.wait_for(timeout=60_000)  # the search worker indexes slowly under load
            href = first.get_attribute("href") or ""
        finally:
            browser.close()
    assert unquote(href.split("?")[0].split("#")[0]).removeprefix(served_example) == expected
