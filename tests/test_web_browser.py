"""The web page in a real browser: Chromium from the system's packages, driven by Playwright. Each test does what a
writer does (types, hovers, clicks a finding, applies a fix, opens, saves, renders a mail merge, plans credits,
uses the keyboard alone, switches the theme, narrows the window) and checks what the page shows.

Without Chromium or Playwright these tests are skipped, saying why; CI sets INMAIL_LINT_REQUIRE_BROWSER=1, which
makes a missing browser a failure instead. INMAIL_LINT_SCREENSHOT=PATH saves the README's screenshot there."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from inmail_lint.web.httpd import WebServer

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("INMAIL_LINT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TEMPLATE = (
    "---\nsubject: A question about {{ company }}\n---\nHi {{ first_name }}, how is {{ company }} doing? Coffee?\n"
)


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (python -m pip install -e '.[test]')"
    if CHROMIUM is None:
        return "no Chromium on this machine (apt-get install chromium, or set INMAIL_LINT_CHROMIUM)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = _missing()
    if missing is not None:
        if os.environ.get("INMAIL_LINT_REQUIRE_BROWSER"):
            pytest.fail(f"the browser tests must run here: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "drafts"
    shutil.copytree(ROOT / "examples", root)
    (root / "outreach.inmail").write_text(TEMPLATE, encoding="utf-8")
    (root / "people.csv").write_text("id,first_name,company\na,Ana,Globex\nb,,Initech\n", encoding="utf-8")
    return root


@pytest.fixture
def page(browser: Any, folder: Path) -> Iterator[Any]:
    web = WebServer(folder)
    thread = threading.Thread(target=web.serve_forever, daemon=True)
    thread.start()
    # the page's Content-Security-Policy forbids eval, which Playwright's waiting on a condition uses
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    tab.goto(web.url)
    tab.wait_for_function("Number(document.body.dataset.lintSeq) >= 1")
    yield tab
    context.close()
    web.shutdown()
    web.server_close()
    # no script error and no failed request, but the refusals a test asks for (a save over a changed file)
    assert [p for p in problems if "status of 409" not in p] == [], problems


def settled(page: Any) -> None:
    """Wait until the page shows the linter's answer for what is typed now."""
    page.wait_for_function(
        "window.inmailLint.result"
        " && window.inmailLint.result.fields.subject === document.getElementById('subject').value"
        " && window.inmailLint.result.fields.body === document.getElementById('body').value"
    )


def marks(page: Any, field: str) -> list[tuple[str, str]]:
    found = page.eval_on_selector_all(
        f'.editor[data-field="{field}"] mark', "els => els.map(e => [e.className, e.textContent])"
    )
    return [(kind, text) for kind, text in found]


def type_draft(page: Any, subject: str, body: str) -> None:
    page.click("#subject")
    page.keyboard.type(subject)
    page.click("#body")
    page.keyboard.type(body)
    settled(page)


def test_typing_underlines_each_finding_where_it_is(page: Any) -> None:
    type_draft(
        page,
        "Exciting opportunity!!!",
        "Dear Sir/Madam,\n\nI hope this message finds you well. Would a short call work?",
    )
    assert ("warning", "Exciting opportunity") in marks(page, "subject")
    assert ("warning", "!!!") in marks(page, "subject")
    body = marks(page, "body")
    assert ("warning", "Dear Sir/Madam,") in body and ("warning", "I hope this message finds you well") in body
    codes = page.eval_on_selector_all("#findings li", "els => els.map(e => e.dataset.code)")
    assert {"IM401", "IM408", "IM302", "IM405"} <= set(codes)
    assert page.text_content("#subject-count").startswith("23 / 200 characters")
    assert "77 / 2000 characters · 14 words" in page.text_content("#body-count")
    # hovering an underline shows its message
    box = page.locator('.editor[data-field="body"] mark', has_text="Dear Sir/Madam").bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + box["height"] / 2)
    page.wait_for_selector("#tooltip:not([hidden])")
    assert "IM302" in page.text_content("#tooltip")
    # a finding in the list takes the cursor to its text, and says what it is
    page.locator("#findings li", has_text="is a cliché").locator("button.go").click()
    selected = page.evaluate(
        "(() => { const b = document.getElementById('body'); "
        "return b.value.slice(b.selectionStart, b.selectionEnd); })()"
    )
    assert selected == "I hope this message finds you well"
    assert "IM405" in page.text_content("#here")


def test_a_fix_changes_the_text_and_the_estimate(page: Any) -> None:
    type_draft(page, "Re: your PyData talk", "Hi Ana,\n\nJane Doe suggested I write. Could we talk next week?")
    before = float(page.get_attribute("#gauge", "data-probability"))
    page.locator("#findings li", has_text="IM410").locator("button.fix").click()
    page.wait_for_function("document.getElementById('subject').value === 'Your PyData talk'")
    settled(page)
    assert "IM410" not in page.eval_on_selector_all("#findings li", "els => els.map(e => e.dataset.code)")
    assert float(page.get_attribute("#gauge", "data-probability")) > before
    assert "Fixed IM410" in page.text_content("#status")


def test_open_edit_save_and_the_conflict_refusal(page: Any, folder: Path) -> None:
    page.click("#tab-folder")
    page.click('#folder-table th button[data-sort="warnings"]')
    page.click('#folder-table th button[data-sort="warnings"]')  # most warnings first
    assert page.get_attribute('#folder-table th:has(button[data-sort="warnings"])', "aria-sort") == "descending"
    counts = page.eval_on_selector_all("#folder-table tbody tr td:nth-child(4)", "els => els.map(e => +e.textContent)")
    assert counts == sorted(counts, reverse=True) and counts[0] >= 5
    page.click("#folder-table tbody button:has-text('bad/long-subject.inmail')")
    page.wait_for_function("document.getElementById('file-label').textContent.includes('long-subject')")
    settled(page)
    path = folder / "bad" / "long-subject.inmail"
    page.fill("#subject", "Your PyData talk")
    settled(page)
    page.click("#save")
    page.wait_for_function("document.getElementById('status').textContent.startsWith('Saved')")
    text = path.read_text(encoding="utf-8")
    assert "Your PyData talk" in text.splitlines()[0] + text.splitlines()[1]
    # changed on disk by someone else: saving is refused and the file is left alone
    path.write_text("Subject: Theirs\n\nTheir text.\n", encoding="utf-8")
    page.fill("#subject", "Mine again")
    settled(page)
    page.click("#save")
    page.wait_for_selector("#alert:not([hidden])")
    assert "changed on disk" in page.text_content("#alert")
    assert path.read_text(encoding="utf-8") == "Subject: Theirs\n\nTheir text.\n"


def test_mail_merge_shows_each_rows_rendering_and_findings(page: Any) -> None:
    page.click("#tab-merge")
    page.select_option("#merge-template", "outreach.inmail")
    page.select_option("#merge-table", "people.csv")
    page.click("#merge-form button[type=submit]")
    page.wait_for_selector("#merge-rows tbody tr:nth-child(2)")
    rows = page.eval_on_selector_all("#merge-rows tbody tr", "els => els.map(e => e.textContent)")
    assert "Hi Ana, how is Globex doing?" in rows[0]
    assert "IM301" in rows[1]  # the row with no first_name


def test_the_credits_chart(page: Any) -> None:
    page.click("#tab-credits")
    page.fill("#per-month", "30")
    page.fill("#months", "6")
    page.fill("#rate", "0.2")
    page.click("#credits-form button[type=submit]")
    page.wait_for_selector("#chart svg")
    assert page.locator("#chart svg rect.bar-balance").count() == 6
    assert page.locator("#credits-table tbody tr").count() == 6
    assert "response rate 20%" in page.text_content("#credits-summary")
    page.fill("#rate", "")  # from the folder's drafts
    page.click("#credits-form button[type=submit]")
    page.wait_for_function("document.getElementById('credits-summary').textContent.includes('mean estimate')")


def test_the_keyboard_alone_is_enough(page: Any) -> None:
    page.keyboard.press("Tab")  # the skip link
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    for _ in range(30):
        if page.evaluate("document.activeElement.id") == "subject":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "subject"
    page.keyboard.type("Re: your talk")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "body"
    page.keyboard.type("Hi Ana, one question?")
    settled(page)
    page.locator("#findings button.fix").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('subject').value === 'Your talk'")
    page.focus("#tab-write")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.id") == "tab-folder"
    assert page.is_visible("#folder") and not page.is_visible("#write")


def test_dark_theme_and_a_phones_width(page: Any) -> None:
    page.click("#theme")
    assert page.get_attribute("html", "data-theme") == "dark"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(21, 24, 28)"
    type_draft(page, "Exciting opportunity!!!", "Dear Sir/Madam,\n\nI hope this message finds you well.")
    screenshot = os.environ.get("INMAIL_LINT_SCREENSHOT")
    page.click("#theme")  # the README's screenshot is the light theme
    if screenshot:
        page.screenshot(path=screenshot, full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(200)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    side, compose = page.locator(".side").bounding_box(), page.locator(".compose").bounding_box()
    assert side["y"] > compose["y"] + compose["height"] - 1  # one column: the estimate under the text
    assert marks(page, "subject")  # the underlines are still drawn


def test_the_side_panel_a_profile_the_kind_and_an_unsafe_fix(page: Any) -> None:
    page.select_option("#profile", "profiles/ana-kowalski.yaml")
    type_draft(page, "Your PyData talk", "Hi Maria,\n\nCould we compare notes on data contracts NOW?")
    page.wait_for_selector('#findings li[data-code="IM306"]')  # greeted as Maria, but the profile is Ana's
    assert "fixing" in page.text_content("#gains")
    unsafe = page.locator('#findings li[data-code="IM408"] button.fix')
    assert "unsafe" in unsafe.text_content() and "unsafe" in (unsafe.get_attribute("class") or "")
    unsafe.click()
    page.wait_for_function("document.getElementById('body').value.endsWith('contracts now?')")
    page.select_option("#kind", "connection-note")
    page.wait_for_function("document.getElementById('subject-count').textContent === 'not sent for this kind'")
    # the name fields instead of the profile: the greeting's name is the recipient's, so IM306 goes
    page.select_option("#profile", "")
    page.select_option("#kind", "inmail")
    page.fill("#r-name", "Maria Nowak")
    page.wait_for_function("!document.querySelector('#findings li[data-code=\"IM306\"]')")
