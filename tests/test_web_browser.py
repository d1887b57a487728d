"""The web page in a real browser: Chromium from the system's packages, driven by Playwright. Each test does what a
writer does (types, hovers, clicks a finding, applies a fix, opens, saves, renders a mail merge, plans credits,
uses the keyboard alone, switches the theme, narrows the window) and checks what the page shows.

Without Chromium or Playwright these tests are skipped, saying why; CI sets INMAIL_LINT_REQUIRE_BROWSER=1, which
makes a missing browser a failure instead. INMAIL_LINT_SCREENSHOT=PATH saves the README's screenshot there."""

from __future__ import annotations

import contextlib
import os
import re
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
    "---\nsubject: A question about {{ company }}\ntemplate: true\n---\n"
    "Hi {{ first_name }}, how is {{ company }} doing? Coffee?\n"
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


def headings_misaligned(page: Any, table: str) -> list[str]:
    """The columns of a table whose heading is not aligned as its first row's cell (a number's heading sat at the
    left of its column while the digits sat at the right)."""
    return list(
        page.evaluate(
            f"""(() => {{
              const table = document.querySelector({table!r});
              const cells = table.querySelector("tbody tr").children;
              return [...table.querySelectorAll("thead th")]
                .filter((th, i) => getComputedStyle(th).textAlign !== getComputedStyle(cells[i]).textAlign)
                .map((th) => th.textContent.trim());
            }})()"""
        )
    )


def test_the_folder_s_number_headings_sit_over_their_numbers(page: Any) -> None:
    page.click("#tab-folder")
    page.wait_for_selector("#folder-table tbody tr")
    assert headings_misaligned(page, "#folder-table") == []


def test_the_credits_chart(page: Any) -> None:
    page.click("#tab-credits")
    page.fill("#per-month", "30")
    page.fill("#months", "6")
    page.fill("#rate", "0.2")
    page.click("#credits-form button[type=submit]")
    page.wait_for_selector("#chart svg")
    assert page.locator("#chart svg rect.bar-balance").count() == 6
    assert page.locator("#credits-table tbody tr").count() == 6
    cells = page.eval_on_selector_all("#credits-table tbody td", "els => els.map(e => e.textContent)")
    assert cells and all(cell.lstrip("-").isdigit() for cell in cells)  # whole sends, as the command line shows
    assert "response rate 20%" in page.text_content("#credits-summary")
    assert headings_misaligned(page, "#credits-table") == []
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
    assert page.is_disabled("#r-name")  # the profile's name is the one read
    # the name fields instead of the profile: the greeting's name is the recipient's, so IM306 goes
    page.select_option("#profile", "")
    assert not page.is_disabled("#r-name") and page.get_attribute("#r-groups", "placeholder") == "comma-separated"
    page.select_option("#kind", "inmail")
    page.fill("#r-name", "Maria Nowak")
    page.wait_for_function("!document.querySelector('#findings li[data-code=\"IM306\"]')")


# --- a writer's first visit (issue: the page's opened draft, its panel, merge choices, layout, copying) -------
SHOTS = Path(os.environ.get("INMAIL_LINT_SHOTS", "")) if os.environ.get("INMAIL_LINT_SHOTS") else None


def shot(page: Any, tmp_path: Path, name: str) -> Path:
    """A screenshot of what the writer sees now (kept in INMAIL_LINT_SHOTS when set, to be looked at)."""
    path = (SHOTS or tmp_path) / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000  # a page was drawn, not a blank
    return path


def open_from_folder(page: Any, relative: str) -> None:
    page.click("#tab-folder")
    page.get_by_role("button", name=relative, exact=True).click()
    page.wait_for_function(f"document.getElementById('file-label').textContent === 'Editing {relative}'")
    settled(page)


def subject_is_whole(page: Any) -> bool:
    return bool(
        page.evaluate(
            "(() => { const s = document.getElementById('subject');"
            " return s.clientHeight >= 30 && s.scrollHeight <= s.clientHeight + 2; })()"
        )
    )


@pytest.mark.parametrize("theme_and_width", [("light", 1280), ("dark", 1280), ("light", 390)])
def test_an_opened_draft_shows_its_whole_subject(page: Any, tmp_path: Path, theme_and_width: tuple[str, int]) -> None:
    theme, width = theme_and_width
    if theme == "dark":
        page.click("#theme")
    page.set_viewport_size({"width": width, "height": 900})
    open_from_folder(page, "good/pydata-talk.inmail")
    assert page.input_value("#subject") == "Your PyData talk on contracts"
    assert subject_is_whole(page)
    shot(page, tmp_path, f"opened-{theme}-{width}")


def test_an_opened_draft_shows_its_own_kind_and_recipient(page: Any) -> None:
    page.fill("#r-name", "Typed Earlier")  # a value typed for a new draft must not stay
    open_from_folder(page, "good/pydata-talk.inmail")  # front matter: kind and a profile file
    assert page.input_value("#profile") == "profiles/ana-kowalski.yaml"
    assert page.input_value("#kind") == "inmail"
    assert not page.is_disabled("#profile") and "front matter" in page.text_content("#context-note")
    # the profile file names the recipient: the fields below are greyed and say so, not silently ignored
    for field in ("#r-name", "#r-company", "#r-groups"):
        assert page.is_disabled(field) and page.get_attribute(field, "placeholder") == "from the profile file"
    # ... and they show what the profile says: who the draft is linted as written to
    page.wait_for_function("document.getElementById('r-name').value === 'Ana Kowalski'")
    assert page.input_value("#r-groups") == "PyData Warsaw" and page.input_value("#r-company") == "Globex"
    assert page.text_content("#gains") == "nothing found lowers it"  # every factor here raises it
    open_from_folder(page, "bad/long-subject.inmail")  # no front matter at all
    assert page.input_value("#profile") == "" and page.input_value("#r-name") == ""
    assert "no front matter" in page.text_content("#context-note")


def test_the_panel_is_written_into_front_matter_on_save(page: Any, folder: Path, tmp_path: Path) -> None:
    plain = folder / "plain.inmail"
    plain.write_text("Subject: Your PyData talk\n\nHi Ana, one question about contracts?\n", encoding="utf-8")
    page.click("#tab-folder")
    page.evaluate("loadFolder()")
    open_from_folder(page, "plain.inmail")
    page.fill("#r-name", "Ana Kowalski")
    page.fill("#r-company", "Globex")
    settled(page)
    page.click("#save")
    page.wait_for_function("document.getElementById('status').textContent.startsWith('Saved')")
    assert plain.read_text(encoding="utf-8") == (
        "---\nsubject: Your PyData talk\nrecipient: {company: Globex, name: Ana Kowalski}\n---\n"
        "Hi Ana, one question about contracts?\n"
    )
    # a draft with front matter: only the key that changed is written, the rest of the file as it was
    talk = folder / "good" / "pydata-talk.inmail"
    before = talk.read_text(encoding="utf-8")
    open_from_folder(page, "good/pydata-talk.inmail")
    page.select_option("#kind", "open-profile")
    settled(page)
    page.click("#save")
    page.wait_for_function("document.getElementById('status').textContent.startsWith('Saved good/')")
    assert talk.read_text(encoding="utf-8") == before.replace("kind: inmail", "kind: open-profile")
    shot(page, tmp_path, "panel-saved")


def test_a_recipients_title_schools_and_other_keys_survive_an_edit_of_the_panel(
    page: Any, folder: Path, tmp_path: Path
) -> None:
    """The panel shows a recipient's title and schools; a change to another field, saved, keeps them and what
    the panel has no field for (first_name, open_profile) instead of writing only the fields it shows."""
    from inmail_lint.util.yamlsafe import load_yaml_value

    draft = folder / "luis.inmail"
    draft.write_text(
        "---\nsubject: Your move to Datadog\nrecipient: {name: Luis Ortega, first_name: Luis, company: Twilio,"
        " title: Staff SRE, schools: [UT Austin], open_profile: true}\n---\n"
        "Hi Luis, fellow UT Austin grad here. Could I ask how Datadog runs on-call?\n",
        encoding="utf-8",
    )
    page.click("#tab-folder")
    page.evaluate("loadFolder()")
    open_from_folder(page, "luis.inmail")
    page.wait_for_function("document.getElementById('r-name').value === 'Luis Ortega'")
    assert page.input_value("#r-title") == "Staff SRE" and page.input_value("#r-schools") == "UT Austin"
    assert page.is_visible("#r-title") and page.is_visible("#r-schools")
    page.fill("#r-company", "Datadog")
    settled(page)
    page.click("#save")
    page.wait_for_function("document.getElementById('status').textContent.startsWith('Saved')")
    meta = load_yaml_value(draft.read_text(encoding="utf-8").split("---\n")[1])
    assert meta["recipient"] == {
        "name": "Luis Ortega",
        "first_name": "Luis",
        "company": "Datadog",
        "title": "Staff SRE",
        "schools": ["UT Austin"],
        "open_profile": True,
    }
    # a new name has its own first name: the opened one is not kept with it
    page.fill("#r-name", "Ana Kowalski")
    settled(page)
    page.evaluate("document.getElementById('status').textContent = ''")
    page.click("#save")
    page.wait_for_function("document.getElementById('status').textContent.startsWith('Saved')")
    meta = load_yaml_value(draft.read_text(encoding="utf-8").split("---\n")[1])
    assert meta["recipient"]["name"] == "Ana Kowalski" and "first_name" not in meta["recipient"]
    assert meta["recipient"]["schools"] == ["UT Austin"] and meta["recipient"]["open_profile"] is True
    shot(page, tmp_path, "panel-title-schools")


def test_a_message_ads_button_label_is_shown_edited_and_saved(page: Any, folder: Path, tmp_path: Path) -> None:
    ad = folder / "ad.inmail"
    ad.write_text(
        "---\nkind: message-ad\nsubject: Your PyData talk\ncta: Get the free hiring guide now\n---\n"
        "Hi Ana, one question about your talk on contracts?\n",
        encoding="utf-8",
    )
    assert not page.is_visible("#cta")  # an InMail has no button
    page.evaluate("loadFolder()")
    open_from_folder(page, "ad.inmail")
    # the label IM106 is about is on the page, where the writer can shorten it
    assert page.is_visible("#cta") and page.input_value("#cta") == "Get the free hiring guide now"
    page.wait_for_function("document.getElementById('findings').textContent.includes('IM106')")
    shot(page, tmp_path, "ad-button-label-too-long")
    page.fill("#cta", "Get the guide")
    page.wait_for_function("!document.getElementById('findings').textContent.includes('IM106')")
    page.click("#save")
    page.wait_for_function("document.getElementById('status').textContent.startsWith('Saved')")
    assert ad.read_text(encoding="utf-8") == (
        "---\nkind: message-ad\nsubject: Your PyData talk\ncta: Get the guide\n---\n"
        "Hi Ana, one question about your talk on contracts?\n"
    )
    shot(page, tmp_path, "ad-button-label-saved")
    # choosing the kind shows the field for a new draft too
    page.click("#new-draft")
    assert not page.is_visible("#cta")
    page.select_option("#kind", "message-ad")
    assert page.is_visible("#cta") and page.input_value("#cta") == ""


def test_mail_merge_offers_templates_and_the_tables_that_fill_them(page: Any, folder: Path, tmp_path: Path) -> None:
    history = "subject,body,responded\n" + "".join(f"Hi,Hello {i},{i % 2}\n" for i in range(400))
    (folder / "history.csv").write_text(history, encoding="utf-8")
    page.evaluate("loadFolder()")
    page.click("#tab-merge")
    page.wait_for_function("document.getElementById('merge-table').options.length > 0")
    templates = page.eval_on_selector_all("#merge-template option", "els => els.map(e => e.value)")
    tables = page.eval_on_selector_all("#merge-table option", "els => els.map(e => e.value)")
    assert templates == ["outreach.inmail"] and tables == ["people.csv"]
    # before the first rendering: what the tab does, and no empty table
    assert not page.is_visible("#merge-rows") and "render" in page.text_content("#merge-status")
    shot(page, tmp_path, "merge-choices")
    page.click("#merge-form button[type=submit]")
    page.wait_for_selector("#merge-rows tbody tr")
    assert page.is_visible("#merge-rows") and "rows of people.csv" in page.text_content("#merge-status")
    shot(page, tmp_path, "merge-rendered")


def test_findings_come_first_and_factors_are_folded(page: Any, tmp_path: Path) -> None:
    type_draft(page, "Exciting opportunity", "Dear Sir/Madam,\n\nI hope this message finds you well. Interested?")
    findings, estimate = page.locator("#findings").bounding_box(), page.locator("#gauge").bounding_box()
    assert findings["y"] < estimate["y"]
    assert page.evaluate("document.getElementById('factors-box').open") is False
    assert page.locator("#findings button.fix").first.is_visible()
    page.click("#factors-box summary")
    assert page.is_visible("#factors li") and "grades:" in page.text_content("#grades")
    shot(page, tmp_path, "findings-first")


def test_a_draft_wide_finding_is_said_once_beside_the_text(page: Any, tmp_path: Path) -> None:
    type_draft(page, "Quick question", "Hi Ana,\n\nWe help teams ship faster. Could we talk this week?")
    wide = page.eval_on_selector_all("#wide li", "els => els.map(e => e.textContent)")
    assert any("IM303" in w for w in wide) and any("IM304" in w for w in wide)
    codes = {d["index"]: d["code"] for d in page.evaluate("window.inmailLint.result.diagnostics")}
    marked = page.eval_on_selector_all(".editor mark", "els => els.map(e => e.dataset.findings)")
    assert not any(codes[int(i)] in ("IM303", "IM304") for ids in marked for i in ids.split())
    listed = page.eval_on_selector_all("#findings li", "els => els.map(e => e.dataset.code || e.textContent)")
    assert "IM303" not in listed and any("about the whole draft" in item for item in listed)  # said once
    # what keeps it impersonal is worth fixing, and the box says how much (the estimate agrees with the findings)
    assert page.text_content("#gains").startswith("fixing IM304 would raise it to ")
    shot(page, tmp_path, "draft-wide")


def test_what_lowers_the_estimate_without_a_finding_is_not_called_nothing(page: Any) -> None:
    """A long body lowers the estimate (801-1,200 characters) with no finding whose fix the model measures: the
    box must not say that nothing lowers it."""
    work = (
        "Your talk showed how a contract can live next to the code that writes the data, and how each change is "
        "reviewed by the teams that read it. The part on versioning answered a question that comes up often. "
    )
    body = (
        "Hi Ana,\n\nJane Doe suggested I reach out, and I enjoyed your PyData talk on data contracts.\n\n"
        + work * 4
        + "\n\nWould you be open to a short call next week to compare notes?\n\nThanks,\nMarek"
    )
    page.fill("#subject", "Your PyData talk on contracts")
    page.fill("#body", body)
    settled(page)
    assert "lowered by 801-1,200 characters" in page.text_content("#estimate-text")
    assert page.text_content("#gains") == "no single fix is measured; what lowers it is listed below"


def test_a_new_empty_draft_shows_no_estimate_and_no_errors(page: Any, tmp_path: Path) -> None:
    assert page.text_content("#findings-count") == "(none)"
    assert page.locator("#gauge svg").count() == 0
    assert "Start writing" in page.text_content("#estimate-text")
    # no heading over nothing: what fixing would gain, and what raises and lowers it, come with the estimate
    assert not page.is_visible("#gains-title") and not page.is_visible("#factors-box")
    shot(page, tmp_path, "new-empty-draft")
    type_draft(page, "Hi", "Hello")
    assert page.locator("#gauge svg").count() == 1
    assert page.is_visible("#gains-title") and page.is_visible("#factors-box")


def test_copy_the_message_as_linkedin_gets_it(browser: Any, folder: Path) -> None:
    (folder / "note.inmail").write_text(
        "---\nsubject: Your PyData talk\n---\nHi Ana,\n<!-- inmail-lint: ignore IM304 -- none shared -->\n"
        "One question about contracts?\n",
        encoding="utf-8",
    )
    with serving_page(browser, folder, clipboard=True) as tab:
        open_from_folder(tab, "note.inmail")
        tab.click("#copy-message")
        tab.wait_for_function("window.inmailLint.copied !== null")
        assert tab.evaluate("navigator.clipboard.readText()") == "Hi Ana,\nOne question about contracts?"
        tab.click("#copy-subject")
        tab.wait_for_function("window.inmailLint.copied === 'Your PyData talk'")


def test_the_chart_legend_draws_each_series_colour(page: Any) -> None:
    page.click("#tab-credits")
    page.fill("#rate", "0.2")
    page.click("#credits-form button[type=submit]")
    page.wait_for_selector("#chart svg .chart-legend")
    for series in ("line-sent", "line-refunded", "line-expired"):
        legend = page.eval_on_selector(f".chart-legend .{series}", "e => getComputedStyle(e).stroke")
        line = page.eval_on_selector(f"#chart svg > path.{series}", "e => getComputedStyle(e).stroke")
        assert legend == line and legend not in ("none", "")


@contextlib.contextmanager
def serving_page(browser: Any, folder: Path, *, clipboard: bool = False) -> Iterator[Any]:
    web = WebServer(folder)
    thread = threading.Thread(target=web.serve_forever, daemon=True)
    thread.start()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    if clipboard:
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=web.url.split("/?")[0])
    tab = context.new_page()
    tab.goto(web.url)
    tab.wait_for_function("Number(document.body.dataset.lintSeq) >= 1")
    try:
        yield tab
    finally:
        context.close()
        web.shutdown()
        web.server_close()


def test_the_gauge_and_the_estimates_line_show_the_same_figure(page: Any, tmp_path: Path) -> None:
    """A draft under 10%: the gauge, the estimate's line and IM901 say the same figure (to a tenth below 10%;
    the gauge once said "10%" beside "9.6%, under 10%")."""
    type_draft(
        page,
        "AMAZING OFFER INSIDE",
        "Dear Sir/Madam,\n\nACT NOW!!! Book a free demo today, limited time offer, 50% off.",
    )
    line = page.text_content("#estimate-text") or ""
    m = re.match(r"refund likelihood ([\d.]+%)", line)
    assert m is not None and "." in m.group(1), line  # under 10%: to a tenth
    assert page.text_content("#gauge .gauge-text") == m.group(1)
    im901 = page.locator("#findings li", has_text="IM901").text_content() or ""
    assert f"is {m.group(1)}, under 10%" in im901
    shot(page, tmp_path, "estimate-under-ten")


def shows_whole_choice(page: Any, select: str) -> bool:
    """Whether a select shows its chosen option's whole text (measured in its own font, with room for its arrow)."""
    return bool(
        page.evaluate(
            "(id) => { const s = document.getElementById(id);"
            " const c = document.createElement('canvas').getContext('2d'); c.font = getComputedStyle(s).font;"
            " return c.measureText(s.options[s.selectedIndex].text).width + 32 <= s.clientWidth; }",
            select,
        )
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_a_chosen_profile_and_plan_show_their_whole_names(page: Any, tmp_path: Path, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.select_option("#profile", "profiles/ana-kowalski.yaml")
    # the chosen file's fields are shown, greyed, once the page has read it (the screenshot is what a writer sees)
    page.wait_for_function("document.getElementById('r-name').value === 'Ana Kowalski'")
    assert page.input_value("#r-title") == "Staff Data Engineer" and page.is_disabled("#r-title")
    shot(page, tmp_path, f"profile-chosen-{width}")
    assert shows_whole_choice(page, "profile")
    page.click("#tab-credits")
    longest = page.evaluate(
        "(() => { const s = document.getElementById('plan'); let best = 0;"
        " for (let i = 0; i < s.options.length; i++)"
        "   if (s.options[i].text.length > s.options[best].text.length) best = i;"
        " s.selectedIndex = best; return s.value; })()"
    )
    page.select_option("#plan", longest)
    shot(page, tmp_path, f"plan-chosen-{width}")
    assert shows_whole_choice(page, "plan")
    assert "InMail credits a month" in page.text_content("#plan-note")  # its credits, under its name
