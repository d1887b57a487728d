"""The browser extension (extension/) in Chromium from the system's packages, driven by Playwright: it is loaded
unpacked into a persistent context, LinkedIn's compose forms are local fixture pages (tests/extension_pages/)
served at LinkedIn's addresses by routing, and the extension talks to a real ``inmail-lint web`` server on
127.0.0.1. Each test does what a writer does: types a draft, waits for the underlines and checks what each
covers, opens the panel, applies a fix and sees the box change as a typed edit; and checks that an unpaired
extension, a wrong token, a server that is not running and a foreign page get nothing.

Skipped, saying why, without Chromium or Playwright; CI sets INMAIL_LINT_REQUIRE_BROWSER=1, which makes a
missing browser a failure instead. INMAIL_LINT_SHOTS=FOLDER keeps the screenshots; INMAIL_LINT_EXTENSION_SHOT
saves the README's."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from inmail_lint.web.httpd import WebServer

from .conftest import serving
from .test_web_browser import ARGS, CHROMIUM, _missing

ROOT = Path(__file__).resolve().parent.parent
EXTENSION = ROOT / "extension"
PAGES = Path(__file__).resolve().parent / "extension_pages"
INMAIL_URL = "https://www.linkedin.com/messaging/compose/?inmail=true"
NOTE_URL = "https://www.linkedin.com/in/ana-kowalski/"


def extension_id() -> str:
    """The id Chromium gives the unpacked extension: from the public key in its manifest."""
    key = base64.b64decode(json.loads((EXTENSION / "manifest.json").read_text(encoding="utf-8"))["key"])
    return "".join(chr(ord("a") + int(c, 16)) for c in hashlib.sha256(key).hexdigest()[:32])


ID = extension_id()


def server(folder: Path, extensions: tuple[str, ...] = (ID,)) -> contextlib.AbstractContextManager[WebServer]:
    return serving(folder, extensions)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Any]:
    missing = _missing()
    if missing is not None:
        if os.environ.get("INMAIL_LINT_REQUIRE_BROWSER"):
            pytest.fail(f"the extension tests must run here: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running


@contextlib.contextmanager
def browser(playwright: Any, tmp_path: Path) -> Iterator[Any]:
    """Chromium with the unpacked extension, and LinkedIn's compose pages served from the fixtures."""
    profile = tmp_path / "profile"
    context = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        headless=True,
        viewport={"width": 1280, "height": 900},
        args=[*ARGS, f"--disable-extensions-except={EXTENSION}", f"--load-extension={EXTENSION}"],
    )
    pages = {"/messaging/": "inmail.html", "/in/": "note.html"}

    def fulfil(route: Any) -> None:
        page = next((name for prefix, name in pages.items() if prefix in route.request.url), "inmail.html")
        route.fulfill(body=(PAGES / page).read_text(encoding="utf-8"), content_type="text/html")

    context.route("https://www.linkedin.com/**", fulfil)
    context.route("https://example.com/**", fulfil)  # a foreign site with the same markup
    try:
        yield context
    finally:
        context.close()


def worker(context: Any) -> Any:
    """The extension's service worker, once its extension APIs are there: right after Chromium starts, the
    worker may be found before ``chrome`` is bound in it (seen once in CI), or be restarted meanwhile."""
    prefix = f"chrome-extension://{ID}/"
    for _ in range(100):
        found = [w for w in context.service_workers if w.url.startswith(prefix)]
        if not found:
            found = [context.wait_for_event("serviceworker", timeout=10_000)]
        with contextlib.suppress(Exception):  # a worker that went away, or one not yet ready
            if found[0].url.startswith(prefix) and found[0].evaluate(
                "typeof chrome !== 'undefined' && !!chrome.storage"
            ):
                return found[0]
        time.sleep(0.1)
    raise AssertionError("the extension's service worker never came up with its APIs")


def pair(context: Any, web: WebServer | None, *, token: str | None = None, port: int | None = None) -> None:
    """What the options page stores: the server's address and its token."""
    address = f"http://127.0.0.1:{port if port is not None else web.server_address[1]}"  # type: ignore[union-attr]
    given = token if token is not None else (web.token if web is not None else "x")
    worker(context).evaluate(f"chrome.storage.local.set({json.dumps({'server': address, 'token': given})})")


def badge_text(page: Any) -> str:
    return str(page.locator("inmail-lint-overlay .badge").text_content())


def wait_badge(page: Any, words: str) -> str:
    page.wait_for_function(
        "(w) => { const h = document.querySelector('inmail-lint-overlay');"
        " return h && h.shadowRoot.querySelector('.badge').textContent.includes(w); }",
        arg=words,
    )
    return badge_text(page)


def wait_underline(page: Any, code: str) -> None:
    page.wait_for_function(
        "(c) => { const h = document.querySelector('inmail-lint-overlay');"
        " return h && h.shadowRoot.querySelector(`.u[data-code=${c}]`); }",
        arg=code,
    )


def underlines(page: Any) -> list[dict[str, Any]]:
    return list(
        page.evaluate(
            "(() => { const h = document.querySelector('inmail-lint-overlay'); if (!h) return [];"
            " return [...h.shadowRoot.querySelectorAll('.u')].map(u => ({code: u.dataset.code, field: u.dataset.field,"
            " text: u.dataset.text, left: u.getBoundingClientRect().left, top: u.getBoundingClientRect().top,"
            " width: u.getBoundingClientRect().width})); })()"
        )
    )


def shot(page: Any, tmp_path: Path, name: str) -> None:
    folder = Path(os.environ["INMAIL_LINT_SHOTS"]) if os.environ.get("INMAIL_LINT_SHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"extension-{name}.png"))
    readme = os.environ.get("INMAIL_LINT_EXTENSION_SHOT")
    if readme and name == "inmail":
        page.screenshot(path=readme)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "drafts"
    shutil.copytree(ROOT / "examples", root)
    return root


def test_the_manifest_asks_for_the_least(tmp_path: Path) -> None:
    manifest = json.loads((EXTENSION / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["manifest_version"] == 3
    assert manifest["permissions"] == ["storage"] and manifest["host_permissions"] == ["http://127.0.0.1/*"]
    matches = [m for script in manifest["content_scripts"] for m in script["matches"]]
    assert matches and all(m.startswith("https://www.linkedin.com/") for m in matches)
    selectors = json.loads((EXTENSION / "selectors.json").read_text(encoding="utf-8"))
    assert {form["kind"] for form in selectors["forms"]} == {"inmail", "connection-note"}
    for name in EXTENSION.iterdir():  # no remote code, no build step: plain files, nothing fetched from afar
        if name.suffix in (".js", ".html"):
            text = name.read_text(encoding="utf-8")
            assert "https://" not in text.replace("https://www.linkedin.com", "") or name.name == "content.js"
            assert "eval(" not in text and "new Function" not in text


def test_an_inmail_is_underlined_where_its_findings_are(playwright: Any, folder: Path, tmp_path: Path) -> None:
    with server(folder) as web, browser(playwright, tmp_path) as context:
        pair(context, web)
        page = context.new_page()
        page.goto(INMAIL_URL)
        page.wait_for_selector("inmail-lint-overlay", state="attached")
        page.click("input[name=subject]")
        page.keyboard.type("Exciting opportunity!!!")
        page.click("[role=textbox]")
        page.keyboard.type("Hi Maria,")
        page.keyboard.press("Enter")
        page.keyboard.type("I hope this message finds you well. Could we talk about your data platform work??")
        text = wait_badge(page, "findings")
        assert "%" in text and "refund" in text
        wait_underline(page, "IM405")
        found = underlines(page)
        by_code = {u["code"]: u for u in found}
        # each underline covers exactly the words its finding is about
        assert by_code["IM405"]["text"] == "I hope this message finds you well"
        shouting = sorted((u["field"], u["text"]) for u in found if u["code"] == "IM408")
        assert shouting == [("body", "??"), ("subject", "!!!")]
        # the recipient's name was read from the form: greeting Maria, writing to Ana Kowalski
        assert by_code["IM306"]["text"] == "Maria"
        # and it lies under those words on the screen
        words = page.evaluate(
            "(() => { const p = document.querySelectorAll('[role=textbox] p')[1].firstChild;"
            " const r = document.createRange(); r.setStart(p, 0); r.setEnd(p, 34);"
            " const b = r.getBoundingClientRect(); return {left: b.left, bottom: b.bottom, width: b.width}; })()"
        )
        assert abs(by_code["IM405"]["left"] - words["left"]) < 2
        assert abs(by_code["IM405"]["width"] - words["width"]) < 2
        assert abs(by_code["IM405"]["top"] - words["bottom"]) < 4
        shot(page, tmp_path, "inmail")

        # the panel: findings with their fixes and the estimate's reasons; a fix edits the box as typing would
        page.click("inmail-lint-overlay .badge")
        panel = page.locator("inmail-lint-overlay .panel")
        assert "Why this estimate" in str(panel.text_content()) and "refund likelihood" in str(panel.text_content())
        # the badge's figure is the estimate's line's, to a tenth under 10% as every surface shows it
        figure = badge_text(page).split(" · ")[1].split()[0]
        line = str(page.locator("inmail-lint-overlay .panel .estimate").text_content())
        assert line.startswith(f"refund likelihood {figure} "), (figure, line)
        before = page.evaluate("window.inputs")
        page.locator('inmail-lint-overlay .panel li[data-code="IM408"] button.fix').first.click()
        page.wait_for_function("document.querySelector('input[name=subject]').value === 'Exciting opportunity!'")
        assert page.evaluate("window.inputs") > before  # LinkedIn's own script saw an input
        page.wait_for_function(
            "document.querySelector('inmail-lint-overlay').shadowRoot"
            ".querySelectorAll('.panel li[data-code=IM408]').length === 1"
        )
        page.locator('inmail-lint-overlay .panel li[data-code="IM408"] button.fix').click()
        page.wait_for_function("!document.querySelector('[role=textbox]').innerText.includes('work??')")
        assert "work??" not in page.inner_text("[role=textbox]") and "Hi Maria," in page.inner_text("[role=textbox]")
        shot(page, tmp_path, "panel")


def test_a_connection_note_is_linted_as_one(playwright: Any, folder: Path, tmp_path: Path) -> None:
    with server(folder) as web, browser(playwright, tmp_path) as context:
        pair(context, web)
        page = context.new_page()
        page.goto(NOTE_URL)
        page.wait_for_selector("inmail-lint-overlay", state="attached")
        page.click("textarea[name=message]")
        page.keyboard.type("Hi there, I'd like to add you to my professional network on LinkedIn.")
        wait_badge(page, "findings")
        wait_underline(page, "IM302")
        found = {u["code"]: u for u in underlines(page)}
        assert found["IM302"]["text"] == "Hi there," and found["IM302"]["field"] == "body"
        box = page.locator("textarea[name=message]").bounding_box()
        assert box["x"] <= found["IM302"]["left"] <= box["x"] + 40  # at the start of the note
        assert "IM101" not in found  # a connection note has no subject: not an InMail's error
        assert "response" in badge_text(page)  # no credit at stake
        shot(page, tmp_path, "note")


def test_unpaired_wrong_token_no_server_and_a_foreign_page_get_nothing(
    playwright: Any, folder: Path, tmp_path: Path
) -> None:
    with server(folder, extensions=()) as unpaired, browser(playwright, tmp_path) as context:
        page = context.new_page()
        page.goto(INMAIL_URL)
        page.wait_for_selector("inmail-lint-overlay", state="attached")
        assert "not paired" in wait_badge(page, "inmail-lint:")  # nothing stored yet
        pair(context, unpaired)  # the right token, but the server was not started for this extension
        page.reload()
        assert "refused" in wait_badge(page, "refused")
        assert not underlines(page)
    with server(folder) as web, browser(playwright, tmp_path / "2") as context:
        pair(context, web, token="not-the-token")
        page = context.new_page()
        page.goto(INMAIL_URL)
        assert "wrong" in wait_badge(page, "refused")
        port = web.server_address[1]
    with browser(playwright, tmp_path / "3") as context:
        pair(context, None, token="x", port=port)  # that server has stopped
        page = context.new_page()
        page.goto(INMAIL_URL)
        assert f"--allow-extension {ID}" in wait_badge(page, "not running")
        foreign = context.new_page()
        foreign.goto("https://example.com/messaging/compose/")  # the same form on another site
        foreign.wait_for_timeout(1500)
        assert foreign.locator("inmail-lint-overlay").count() == 0


def test_the_options_page_pairs_with_the_printed_address(playwright: Any, folder: Path, tmp_path: Path) -> None:
    with server(folder) as web, browser(playwright, tmp_path) as context:
        worker(context)
        options = context.new_page()
        options.goto(f"chrome-extension://{ID}/options.html")
        assert options.text_content("#extension-id") == ID
        options.fill("#address", "http://evil.example:80/?token=x")
        options.click("#pair button[type=submit]")
        options.locator("#status.bad").wait_for()  # the options page's CSP allows no evaluated waits
        options.fill("#address", web.url)
        options.click("#pair button[type=submit]")
        options.locator("#status.ok", has_text="Paired with").wait_for()
        page = context.new_page()
        page.goto(INMAIL_URL)
        page.click("[role=textbox]")
        page.keyboard.type("Hi Ana, one question about your data platform work?")
        wait_badge(page, "%")
