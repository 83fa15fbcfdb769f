"""Headless Chromium opens every page of the vector site: no injected script runs, no element.

``window.alert``/``confirm``/``prompt`` are hooked before any page script through CDP
``Page.addScriptToEvaluateOnNewDocument``; every vector that runs calls one of them or sets
``window.__xss``. The site's search is exercised too, since Material renders search results
as HTML. The site is served from 127.0.0.1; every other host name resolves to nothing.
"""

# ruff: noqa: F811  (pytest fixtures imported from sites.py)
from __future__ import annotations

import asyncio
import contextlib
import functools
import http.server
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sites import vector_site, vectors  # noqa: F401 (fixtures)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"headless Chromium not installed ({CHROMIUM})"),
]

HOOK = """
window.__xssCalls = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__xssCalls.push(name + ":" + args.join(",")); };
}
"""
# Anything a vector would have made, looked for in the live DOM.
INJECTED = """
() => {
  const bad = [];
  const urlAttrs = ["href", "src", "action", "formaction", "xlink:href", "data", "poster"];
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      const name = a.name.toLowerCase();
      if (name.startsWith("on")) bad.push(`${el.tagName} ${name}`);
      if ((name === "id" || name === "class") && a.value.toLowerCase().split(/\\s+/).includes("xss"))
        bad.push(`${el.tagName} ${name}=${a.value}`);
      if (name.startsWith("data-xss")) bad.push(`${el.tagName} ${name}`);
      if (urlAttrs.includes(name) && /^\\s*(javascript|vbscript|data):/i.test(a.value))
        bad.push(`${el.tagName} ${name}=${a.value}`);
    }
  }
  for (const sel of ["iframe", "object", "embed", "xss", "marquee", "base", "video", "math",
                     "svg script", "svg animate", "form[action]", "meta[http-equiv=refresh]"]) {
    if (document.querySelector(sel)) bad.push(sel);
  }
  for (const s of document.scripts) {
    if (s.type !== "application/ld+json" && /__xss|alert\\(/.test(s.textContent)) bad.push("script");
  }
  return bad;
}
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def handle(self) -> None:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a navigation cut a load short
            super().handle()


@pytest.fixture(scope="module")
def served(vector_site: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(vector_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def test_no_injected_script_runs_and_no_injected_element_exists(served: str, vector_site: Path) -> None:
    pytest.importorskip("playwright.async_api")
    pages = sorted(
        p.relative_to(vector_site).as_posix()
        for p in vector_site.rglob("*.html")
        if 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")  # the page it sends to is visited
    )
    urls = [served + (p[: -len("index.html")] if p.endswith("index.html") else p) for p in pages]
    failures, results = asyncio.run(_visit(served, urls))
    assert not failures, failures
    assert results > 0, "the search found nothing: the search check did not run"


async def _visit(served: str, urls: list[str]) -> tuple[dict[str, Any], int]:
    from playwright.async_api import async_playwright

    failures: dict[str, Any] = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  # no host but this one
            ],
        )
        try:
            context = await browser.new_context()
            context.set_default_timeout(120_000)  # a loaded CI machine is slow, never wrong
            queue = list(urls)

            async def sweep() -> None:
                page = await _page(context, block_search=True)
                while queue:
                    url = queue.pop()
                    await page.goto(url, wait_until="load")  # after load, broken images have errored
                    await _check(page, url, failures)

            await asyncio.gather(sweep(), sweep())  # two tabs: the machine has two cores
            # Material renders search results as HTML: search for what the vectors contain.
            page = await _page(context, block_search=False)
            await page.goto(served, wait_until="load")
            results = 0
            for query in ("script", "alert", "onerror", "javascript", "xss"):
                await _search(page, query)
                await page.wait_for_timeout(100)
                await _check(page, f"{served} search {query!r}", failures)
                results += await page.locator(".md-search-result__item").count()
        finally:
            await browser.close()
    return failures, results


SEARCH_ANSWERED = """() => {
    const meta = document.querySelector(".md-search-result__meta");
    return meta !== null && /\\d|no/i.test(meta.textContent || "");
}"""


async def _search(page: Any, query: str) -> None:
    """Type ``query`` into Material's search box and wait until it answered (results, or "no
    matching documents").

    The search worker indexes the whole site first, which is slow on a loaded machine, and
    Material does not search for what was typed before it was ready (it then shows "Type to
    start searching" beside the query): the query is typed again until it is answered.
    """
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    box = page.locator("input.md-search__input")
    await box.fill(query)
    for _attempt in range(12):  # two minutes in all
        try:
            await page.wait_for_function(SEARCH_ANSWERED, timeout=10_000)
            return
        except PlaywrightTimeout:
            await box.press("End")
            await box.type(" ")
            await box.press("Backspace")
    raise AssertionError(f"Material's search never answered {query!r}")


async def _page(context: Any, *, block_search: bool) -> Any:
    """A tab with the alert hooks installed before any page script runs."""
    page = await context.new_page()
    cdp = await context.new_cdp_session(page)
    await cdp.send("Page.enable")
    await cdp.send("Page.addScriptToEvaluateOnNewDocument", {"source": HOOK})
    if block_search:  # each page's search worker would index the whole site again: slow
        await cdp.send("Network.enable")
        await cdp.send("Network.setBlockedURLs", {"urls": ["*search_index.json*", "*/workers/search.*"]})
    return page


async def _check(page: Any, where: str, failures: dict[str, Any]) -> None:
    ran = await page.evaluate("() => [window.__xss, window.__xssCalls]")
    injected = await page.evaluate(INJECTED)
    if ran[0] is not None or ran[1] or injected:
        failures[where] = {"__xss": ran[0], "calls": ran[1], "injected": injected}
