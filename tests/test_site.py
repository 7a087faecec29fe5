"""The website in a real browser: serve _build/html on localhost and drive headless Chromium.

Every page is opened once (the `crawl` fixture) and checked for console errors, failed or remote
requests, broken internal links and images without alt text; then chapter outputs and plots, the
search page, a hidden solution, reading without JavaScript, and screenshots under
_build/screenshots/.

Pages are discovered, never listed: chapter pages are `notebooks/NN_*.html`. Build the site first
(`python -m helpers.book`); COURSE_SITE_DIR points the tests at another built site.
Remote requests are aborted and reported: the site must read offline.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
BUILD = Path(os.environ.get("COURSE_BUILD_DIR", ROOT / "_build"))  # as helpers.run
SITE = Path(os.environ.get("COURSE_SITE_DIR", BUILD / "html"))
SHOTS = BUILD / "screenshots"
NOT_PAGES = {"_static", "_sources", "_images", "_sphinx_design_static"}  # template fragments etc.
TIMEOUT_MS = 20_000
# Remote hosts the site may *request* (not link to) and why. Keep empty: the site must work offline.
ALLOWED_REMOTE: dict[str, str] = {}


def site_pages() -> list[str]:
    """Every HTML page of the built site, relative to its root (genindex and search included)."""
    return sorted(
        p.relative_to(SITE).as_posix()
        for p in SITE.rglob("*.html")
        if not NOT_PAGES & set(p.relative_to(SITE).parts[:-1])
    )


def chapter_pages(pattern: str = "0[1-9]_*.html") -> list[str]:
    """Chapter notebook pages (notebooks/NN_*.html) in the built site."""
    return sorted(f"notebooks/{p.name}" for p in (SITE / "notebooks").glob(pattern))


@pytest.fixture(scope="module")
def site_url():
    """Serve the built site on a free localhost port for the module's tests."""
    if not (SITE / "index.html").is_file():
        pytest.skip(f"{SITE / 'index.html'} is missing: build the book first: python -m helpers.book")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # keep the pytest output clean
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(SITE)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def new_context(browser, site_url, **options):
    """A browser context letting same-origin requests through; it records and aborts the rest."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.remote = []  # type: ignore[attr-defined]

    def route(r):
        if r.request.url.startswith(site_url):
            r.continue_()
        else:
            context.remote.append(r.request.url)  # type: ignore[attr-defined]
            r.abort()

    context.route("**/*", route)
    return context


@dataclass
class PageReport:
    """What one page did in the browser."""

    path: str
    console_errors: list[str] = field(default_factory=list)
    bad_responses: list[str] = field(default_factory=list)
    remote: list[str] = field(default_factory=list)
    broken_links: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    outputs: int = 0
    lang: str = ""
    cjk: int = 0  # Chinese characters in the article
    edition_link: str | None = None  # the link to the same page in the other edition


IMAGES_JS = """() => Array.from(document.images).map(img => ({
    src: img.getAttribute('src'), alt: img.getAttribute('alt'),
    inOutput: !!img.closest('.cell_output'), complete: img.complete, width: img.naturalWidth}))"""
OUTPUTS_JS = """() => Array.from(document.querySelectorAll('.cell_output')).filter(o =>
    o.checkVisibility() && (o.innerText.trim() || o.querySelector('img'))).length"""


EDITION_JS = """() => {
    const article = document.querySelector('article');
    const text = article ? article.innerText : '';
    const link = document.querySelector('p.edition-switch a');
    return [document.documentElement.lang, (text.match(/[\\u4e00-\\u9fff]/g) || []).length,
            link ? link.href : null];
}"""


def content_pages(crawl: dict[str, PageReport], edition: str) -> list[str]:
    """The book and chapter pages of one edition ('en' or 'zh_CN'), as crawled."""
    prefix = "zh_CN/" if edition == "zh_CN" else ""
    return [path for path in crawl if path.startswith(prefix + "book/") or path.startswith(prefix + "notebooks/")]


def visit(context, site_url: str, path: str) -> PageReport:
    """Open one page and record its console errors, failed requests, links, images and outputs."""
    report = PageReport(path)
    page = context.new_page()
    start = len(context.remote)
    page.on(
        "console",
        lambda m: m.type == "error" and report.console_errors.append(f"{m.text} ({m.location.get('url', '')})"),
    )
    page.on("pageerror", lambda e: report.console_errors.append(f"uncaught: {e}"))
    page.on(
        "response",
        lambda r: r.status >= 400 and r.url.startswith(site_url) and report.bad_responses.append(f"{r.status} {r.url}"),
    )
    page.on(
        "requestfailed",
        lambda r: r.url.startswith(site_url) and report.bad_responses.append(f"failed ({r.failure}) {r.url}"),
    )
    page.goto(site_url + path, wait_until="load")
    page.wait_for_load_state("networkidle")
    report.remote = context.remote[start:]
    # An aborted remote request also logs "Failed to load resource": report it as remote only.
    report.console_errors = [e for e in report.console_errors if not any(u in e for u in report.remote)]
    for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
        if href.startswith(site_url):
            target = SITE / unquote(urlsplit(href).path).lstrip("/")
            if not (target / "index.html" if target.is_dir() else target).is_file():
                report.broken_links.append(href)
    report.images = page.evaluate(IMAGES_JS)
    report.outputs = page.evaluate(OUTPUTS_JS)
    report.lang, report.cjk, report.edition_link = page.evaluate(EDITION_JS)
    page.close()
    return report


@pytest.fixture(scope="module")
def crawl(browser, site_url) -> dict[str, PageReport]:
    """Open every page of the site once; the tests below check what each page did."""
    pages = site_pages()
    assert "index.html" in pages and "search.html" in pages, pages
    context = new_context(browser, site_url)
    try:
        return {path: visit(context, site_url, path) for path in pages}
    finally:
        context.close()


def problems(crawl: dict[str, PageReport], attribute: str) -> dict[str, list]:
    return {path: getattr(r, attribute) for path, r in crawl.items() if getattr(r, attribute)}


def listing(found: dict[str, list], what: str) -> str:
    """A readable failure message: one line per page and problem."""
    lines = [f"{what} on {len(found)} page(s):"]
    for path, items in found.items():
        lines += [f"  {path}:"] + [f"    {item}" for item in items]
    return "\n".join(lines)


def test_every_page_without_console_errors(crawl):
    found = problems(crawl, "console_errors")
    assert not found, listing(found, "console errors")


def test_every_page_asset_loads(crawl):
    found = problems(crawl, "bad_responses")
    assert not found, listing(found, "same-origin requests that failed (4xx/5xx)")


def test_no_remote_requests(crawl):
    """The site is read offline: no page may fetch from another origin (links are fine)."""
    remote = {
        path: [u for u in urls if urlsplit(u).hostname not in ALLOWED_REMOTE]
        for path, urls in problems(crawl, "remote").items()
    }
    found = {path: urls for path, urls in remote.items() if urls}
    assert not found, listing(found, "requests to other origins (aborted)")


def test_internal_links_resolve(crawl):
    found = problems(crawl, "broken_links")
    assert not found, listing(found, "links to pages missing from the build")


def test_every_image_has_alt_text(crawl):
    missing = {path: [i["src"] for i in r.images if not (i["alt"] or "").strip()] for path, r in crawl.items()}
    found = {path: srcs for path, srcs in missing.items() if srcs}
    assert not found, listing(found, "images without alt text")


def test_plot_alt_text_is_not_the_file_name(crawl):
    """myst-nb's default alt for an output image is its own path: that says nothing to a reader."""
    bad = {
        path: [i["src"] for i in r.images if i["alt"] and Path(i["alt"]).name == Path(i["src"] or "").name]
        for path, r in crawl.items()
    }
    found = {path: srcs for path, srcs in bad.items() if srcs}
    assert not found, listing(
        found,
        'images whose alt text is their file name (give plot cells the metadata {"mystnb": {"image": {"alt": "..."}}})',
    )


def test_chapter_pages_show_code_output(crawl):
    pages = chapter_pages() or ["notebooks/00_setup.html"]
    assert not [p for p in pages if crawl[p].outputs < 1], "chapter pages without a code output"


def test_chapter_pages_show_a_loaded_plot(crawl):
    pages = chapter_pages("0[1-6]_*.html")
    if not pages:
        pytest.skip("no chapter page notebooks/0[1-6]_*.html in the build yet")
    plots = {p: [i for i in crawl[p].images if i["inOutput"]] for p in pages}
    assert not [p for p, imgs in plots.items() if not imgs], "chapter pages without a plot"
    unloaded = {p: [i["src"] for i in imgs if not (i["complete"] and i["width"] > 0)] for p, imgs in plots.items()}
    found = {p: srcs for p, srcs in unloaded.items() if srcs}
    assert not found, listing(found, "plots that did not load")


def test_search_finds_tokenizer(browser, site_url):
    """Type "tokenizer" into the search box of the welcome page; the search page lists results."""
    context = new_context(browser, site_url)
    try:
        page = context.new_page()
        page.goto(site_url + "book/index.html")
        page.keyboard.press("Control+k")  # the theme's shortcut opens the search dialog
        box = page.locator("#pst-search-dialog input[name=q]")
        box.fill("tokenizer")
        box.press("Enter")
        page.wait_for_url("**/search.html?q=tokenizer*")
        results = page.locator("#search-results ul.search li a")
        results.first.wait_for()
        titles = results.all_inner_texts()
        assert titles, "no search result for 'tokenizer'"
        assert "search.html?q=tokenizer" in page.url
    finally:
        context.close()


def test_chinese_search_finds_a_chinese_term(browser, site_url):
    """The Chinese edition's search indexes Chinese words (Sphinx segments them with jieba)."""
    context = new_context(browser, site_url)
    try:
        page = context.new_page()
        page.goto(site_url + "zh_CN/search.html?q=分词器")
        results = page.locator("#search-results ul.search li a")
        results.first.wait_for()
        titles = results.all_inner_texts()
        assert any("分词器" in t for t in titles), titles
    finally:
        context.close()


@pytest.mark.parametrize("title", ["Solution to exercise 1", "Quiz answers and explanations"])
def test_solutions_and_quiz_answers_open_from_a_closed_toggle(browser, site_url, title):
    """Each exercise's solution and each quiz's answers sit in a closed <details> toggle (no JavaScript needed)."""
    context = new_context(browser, site_url)
    try:
        page = context.new_page()
        pages = chapter_pages("0[0-9]_*.html")
        assert pages, "no chapter pages: build the book first"
        for path in pages:
            page.goto(site_url + path)
            toggle = page.locator("details.sd-dropdown", has=page.locator("summary", has_text=title))
            assert toggle.count() >= 1, f"{path}: no toggle titled {title!r}"
        body = toggle.first.locator(".sd-summary-content")
        assert body.is_hidden(), f"{path}: {title!r} is open before a click"
        toggle.first.locator("summary").click()
        body.wait_for(state="visible")
        text = body.inner_text()
        assert ("answer_1" in text) if title.startswith("Solution") else ("Answer:" in text), text[:200]
    finally:
        context.close()


def test_screenshots(browser, site_url):
    """Full-page screenshots of the welcome page and one chapter page, for people to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    chapter = (chapter_pages() or ["notebooks/00_setup.html"])[0]
    context = new_context(browser, site_url)
    try:
        page = context.new_page()
        for name, path in (("welcome", "index.html"), ("chapter", chapter)):
            page.goto(site_url + path)
            if path == "index.html":  # a redirect to book/index.html
                page.wait_for_url("**/book/index.html")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    finally:
        context.close()
    for name in ("welcome", "chapter"):
        shot = SHOTS / f"{name}.png"
        assert shot.is_file() and shot.stat().st_size > 10_000, shot


def test_readable_without_javascript(browser, site_url):
    """With JavaScript off, the root redirect still works and the welcome text is there."""
    context = new_context(browser, site_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "index.html")
        page.wait_for_url("**/book/index.html")  # a <meta http-equiv="Refresh">, no script
        article = page.locator("article")
        assert article.locator("h1").first.inner_text().strip(), "the welcome page has no title"
        paragraphs = article.locator("p")
        assert paragraphs.count() >= 3 and paragraphs.first.is_visible(), "no visible text"
        assert len(article.inner_text()) > 500, article.inner_text()
        assert page.locator("nav a[href]").count() > 3, "the table of contents is missing"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / "welcome-nojs.png", full_page=True)
    finally:
        context.close()


def test_launch_buttons_open_the_real_notebook_with_its_install_cell():
    import re

    import yaml

    from helpers import install

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]["url"].removeprefix("https://github.com/")
    branch = config["repository"]["branch"]
    assert (ROOT / "binder" / "postBuild").is_file() and "pip install" in (ROOT / "binder" / "postBuild").read_text()
    pages = chapter_pages("0[0-9]_*.html")
    assert pages, "no chapter pages: build the book first"
    for page in pages:
        html = (SITE / page).read_text()
        path = page.replace(".html", ".ipynb")
        assert (ROOT / path).is_file()
        assert f"https://colab.research.google.com/github/{repo}/blob/{branch}/{path}" in html, page
        assert f"https://mybinder.org/v2/gh/{repo}/{branch}?urlpath=lab/tree/{path}" in html, page
        download = re.search(r'href="([^"]*_sources/notebooks/[^"]+\.ipynb)"', html)
        assert download, f"{page}: no download button"
        cells = json.loads((SITE / "_sources" / path).read_text())["cells"]
        assert install.bootstrap_index(cells) is not None, f"{page}: the downloaded notebook has no install cell"


# The Chinese edition (zh_CN/): the same pages, in Chinese, each linked to its English original.


def test_every_page_links_to_the_same_page_in_the_other_edition(crawl, site_url):
    for edition, other in (("en", "zh_CN/"), ("zh_CN", "")):
        pages = content_pages(crawl, edition)
        assert pages, f"no {edition} pages in the build"
        for path in pages:
            link = crawl[path].edition_link
            english_path = path.removeprefix("zh_CN/")
            assert link == site_url + other + english_path, f"{path}: edition link {link}"


def test_chinese_pages_are_in_chinese(crawl):
    pages = content_pages(crawl, "zh_CN")
    assert len(pages) == len(content_pages(crawl, "en")), "the editions have different pages"
    for path in pages:
        assert crawl[path].lang.startswith("zh"), f"{path}: <html lang={crawl[path].lang!r}>"
        assert crawl[path].cjk >= 100, f"{path}: only {crawl[path].cjk} Chinese characters"
    for path in content_pages(crawl, "en"):
        assert crawl[path].lang.startswith("en"), f"{path}: <html lang={crawl[path].lang!r}>"


def test_the_language_link_goes_both_ways(browser, site_url):
    context = new_context(browser, site_url)
    try:
        page = context.new_page()
        page.goto(site_url + "notebooks/03_tokenizers.html")
        page.locator("p.edition-switch a").click()
        page.wait_for_url("**/zh_CN/notebooks/03_tokenizers.html")
        title = page.locator("article h1").first.inner_text()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in title), title
        page.locator("p.edition-switch a").click()
        page.wait_for_url(site_url + "notebooks/03_tokenizers.html")
    finally:
        context.close()


def test_chinese_launch_buttons_open_the_chinese_notebooks():
    pages = sorted((SITE / "zh_CN" / "notebooks").glob("0[0-9]_*.html"))
    assert pages, "no Chinese chapter pages: build the book first"
    for page in pages:
        html = page.read_text()
        path = f"notebooks/zh_CN/{page.stem}.ipynb"
        assert (ROOT / path).is_file(), path
        assert f"blob/main/{path}" in html and f"lab/tree/{path}" in html, page.name
        assert f"blob/main/notebooks/{page.stem}.ipynb" not in html, f"{page.name} launches the English notebook"


def test_chinese_screenshots_with_a_cjk_font(browser, site_url):
    """Screenshots of the Chinese welcome page and one chapter, with a CJK font installed (fonts-noto-cjk)."""
    import subprocess

    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    assert fonts.strip(), "no font for Chinese is installed: `make browser-deps` installs fonts-noto-cjk"
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = new_context(browser, site_url)
    try:
        page = context.new_page()
        shots = {"zh-welcome": "zh_CN/book/index.html", "zh-chapter": "zh_CN/notebooks/03_tokenizers.html"}
        for name, path in shots.items():
            page.goto(site_url + path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    finally:
        context.close()
    for name in ("zh-welcome", "zh-chapter"):
        assert (SHOTS / f"{name}.png").stat().st_size > 10_000
