"""Every rule's own examples, the registry's contract, and the limits at their boundaries."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inmail_lint.api import lint_bytes
from inmail_lint.checks.define.base import Example, Rule, RuleDefinitionError
from inmail_lint.checks.define.loader import load_rule_dir
from inmail_lint.config.settings import parse_config
from inmail_lint.draft.parse import parse
from inmail_lint.engine.linter import Linter
from inmail_lint.engine.registry import Registry, build_registry, builtin_rules
from inmail_lint.testing import lint_example
from inmail_lint.util.resources import rules_dir

from .conftest import codes, lint_text

REGISTRY = build_registry()
EXAMPLES = [
    pytest.param(rule, example, id=f"{rule.code}-{'fail' if example.fails else 'pass'}-{i}")
    for rule in REGISTRY
    for i, example in enumerate(rule.examples)
]


def run_example(rule: Rule, example: Example) -> list[str]:
    return [d.code for d in lint_example(rule, example, REGISTRY).diagnostics]


@pytest.mark.parametrize(("rule", "example"), EXAMPLES)
def test_rule_examples(rule: Rule, example: Example) -> None:
    found = run_example(rule, example)
    if example.fails:
        assert rule.code in found, f"{rule.code} should flag:\n{example.draft!r}"
    else:
        assert rule.code not in found, f"{rule.code} should not flag:\n{example.draft!r}"


@pytest.mark.parametrize("rule", list(REGISTRY), ids=lambda r: r.code)
def test_every_rule_is_documented_with_passing_and_failing_examples(rule: Rule) -> None:
    assert rule.summary and rule.explanation, rule.code
    assert any(e.fails for e in rule.examples), f"{rule.code} has no failing example"
    assert any(not e.fails for e in rule.examples), f"{rule.code} has no passing example"


def test_codes_and_names_are_unique_and_well_formed() -> None:
    rules = list(builtin_rules())
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)
    for rule in rules:
        assert rule.code.startswith("IM") and len(rule.code) == 5
        assert rule.name == rule.name.lower() and " " not in rule.name


def test_duplicate_codes_are_refused() -> None:
    rules = list(builtin_rules())
    with pytest.raises(RuleDefinitionError, match="already defined"):
        Registry([*rules, rules[0]])


def test_builtin_rule_files_validate_against_the_schema() -> None:
    assert load_rule_dir(rules_dir() / "pack", validate=True)


def test_public_codes_are_stable() -> None:
    expected = {
        "IM001": "unreadable-draft",
        "IM002": "invalid-front-matter",
        "IM101": "subject-missing",
        "IM102": "subject-too-long",
        "IM103": "body-missing",
        "IM104": "body-too-long",
        "IM105": "subject-not-sent",
        "IM201": "subject-over-40",
        "IM202": "body-over-100-words",
    }
    for code, name in expected.items():
        rule = REGISTRY.get(code)
        assert rule is not None and rule.name == name


# ---------------------------------------------------------------------------------------------- boundaries


def draft(subject: str | None, body: str = "Hi Ana, could I ask one question?", newline: str = "\n") -> str:
    if subject is None:
        return body + newline
    return f"Subject: {subject}{newline}{newline}{body}{newline}"


@pytest.mark.parametrize(
    ("subject", "fires"),
    [
        pytest.param("a" * 200, False, id="200"),
        pytest.param("a" * 201, True, id="201"),
        pytest.param("a" * 199 + "🚀", True, id="199 letters and an emoji is 201 units"),
        pytest.param("a" * 198 + "🚀", False, id="198 letters and an emoji is 200 units"),
        pytest.param("é" * 200, False, id="200 accented letters"),
    ],
)
def test_im102_subject_limit(subject: str, fires: bool) -> None:
    assert ("IM102" in codes(draft(subject))) is fires


def test_im102_message_and_span() -> None:
    result = lint_text(draft("a" * 195 + "b" * 10), select=("IM102",))
    [d] = result.diagnostics
    assert d.message == "subject is 205 characters; InMail subjects can have at most 200: cut at least 5"
    assert d.field == "subject"
    # the span covers exactly what must go
    assert d.location is not None and d.location.column == len("Subject: ") + 201
    assert d.length == 5


@pytest.mark.parametrize(
    ("body", "fires"),
    [
        pytest.param("a" * 2000, False, id="2000"),
        pytest.param("a" * 2001, True, id="2001"),
        pytest.param("a" * 1998 + "🚀", False, id="1998 and an emoji is 2000 units"),
        pytest.param("a" * 1999 + "🚀", True, id="1999 and an emoji is 2001 units"),
        pytest.param("a\n" * 1000, False, id="1000 lines: 1999 once the trailing break is trimmed"),
        pytest.param("a\n" * 1000 + "b", True, id="2001 with breaks counted one each"),
        pytest.param("\n\n\n" + "a" * 2000 + "\n\n\n", False, id="blank lines around are not counted"),
    ],
)
def test_im104_body_limit(body: str, fires: bool) -> None:
    assert ("IM104" in codes(draft("Hi", body))) is fires


def test_crlf_body_is_not_counted_twice() -> None:
    lines = ["a" * 99] * 20  # 20 * 99 + 19 breaks = 1999
    body_lf = "\n".join(lines)
    body_crlf = "\r\n".join(lines)
    assert "IM104" not in codes(draft("Hi", body_crlf, newline="\r\n"))
    result = lint_text(draft("Hi", body_crlf, newline="\r\n"))
    assert result.fields["body"].counts.chars_utf16 == len(body_lf) == 1999
    assert "IM104" in codes(draft("Hi", body_crlf + "\r\naa", newline="\r\n"))


def test_bom_is_not_counted() -> None:
    result = lint_bytes(("\ufeff" + draft("a" * 39)).encode())
    assert result.fields["subject"].counts.chars_utf16 == 39
    assert "IM201" not in [d.code for d in result.diagnostics]


@pytest.mark.parametrize(
    ("length", "fires"),
    [pytest.param(39, False, id="39"), pytest.param(40, True, id="40"), pytest.param(38, False, id="38")],
)
def test_im201_best_practice_subject(length: int, fires: bool) -> None:
    found = codes(draft("s" * length))
    assert ("IM201" in found) is fires
    if fires:
        [d] = [d for d in lint_text(draft("s" * length)).diagnostics if d.code == "IM201"]
        assert d.message == f"subject is {length} characters; keep it under 40 (short subjects get opened)"


def test_im201_counts_emoji_as_two() -> None:
    assert "IM201" in codes(draft("a" * 38 + "🚀"))
    assert "IM201" not in codes(draft("a" * 37 + "🚀"))


@pytest.mark.parametrize(
    ("words", "fires"),
    [pytest.param(99, False, id="99"), pytest.param(100, True, id="100"), pytest.param(101, True, id="101")],
)
def test_im202_words(words: int, fires: bool) -> None:
    body = " ".join(["word"] * words)
    assert ("IM202" in codes(draft("Hi", body))) is fires


def test_im202_does_not_count_dashes_and_emoji_as_words() -> None:
    body = " ".join(["word"] * 99) + " — 🚀 -"
    assert "IM202" not in codes(draft("Hi", body))


def test_im202_option_changes_the_threshold() -> None:
    body = " ".join(["word"] * 60)
    assert "IM202" in codes(draft("Hi", body), rules={"IM202": {"max": 50}})
    assert "IM202" not in codes(draft("Hi", body), rules={"IM202": {"max": 61}})


def test_im408_extend_acronyms_option() -> None:
    text = draft("Your team", "Hi Ana, how is the GLOBEX rollout going? One question?")
    assert "IM408" in codes(text)
    assert "IM408" not in codes(text, rules={"IM408": {"extend-acronyms": ["globex"]}})
    assert "IM408" in codes(text, rules={"IM408": {"extend-acronyms": ["INITECH"]}})


def shouted(body: str) -> list[tuple[str, str | None]]:
    """IM408's capitalised runs in a body: (the text flagged, what the fix writes), '!!!'-style marks left out."""
    text = draft("Your team", body)
    result = lint_text(text, select=("IM408",))
    return [
        (text[d.start : d.end], d.fix.edits[0].text if d.fix else None)
        for d in result.diagnostics
        if "is in capitals" in d.message
    ]


@pytest.mark.parametrize(
    ("body", "runs"),
    [
        pytest.param(
            "Hi Ana, WE HAVE AN AMAZING OPPORTUNITY FOR YOU. One question?",
            [("WE HAVE AN AMAZING OPPORTUNITY FOR YOU", "we have an amazing opportunity for you")],
            id="one shouted sentence is one run, short words and all",
        ),
        pytest.param(
            "Hi Ana, THANK YOU, I appreciate it. One question?",
            [("THANK YOU", "thank you")],
            id="a single letter at the edge is not part of the run",
        ),
        pytest.param(
            "Hi Ana, PLEASE CALL OUR AWS TEAM today. One question?",
            [("PLEASE CALL OUR AWS TEAM", "please call our AWS team")],
            id="an acronym inside a run keeps its capitals in the fix",
        ),
        pytest.param("Hi Ana, our AWS NOW offer. One question?", [("NOW", "now")], id="an acronym at the edge"),
        pytest.param(
            "Hi Ana, FREE TRIAL. REPLY NOW? One question?",
            [("FREE TRIAL", "free trial"), ("REPLY NOW", "Reply now")],
            id="a full stop ends a run",
        ),
        pytest.param("Hi Ana, our AWS and GCP teams met the CEO. A question?", [], id="acronyms are not shouting"),
        pytest.param("Hi Ana, I AM at the ETL day. A question?", [], id="short words alone are not shouting"),
        pytest.param("Hi Ana, are you at GLOBEX? One question?", [("GLOBEX", "globex")], id="six letters"),
        pytest.param("Hi Ana, this is GOOD news. One question?", [("GOOD", "good")], id="a common four-letter word"),
        pytest.param(
            "Hi %FIRSTNAME%, *|FNAME|* [COMPANY NAME] <JOBTITLE> {{COMPANY}} __SENDER__. A question?",
            [],
            id="merge fields and ad macros are not shouting",
        ),
        pytest.param("Hi Ana, CRAZY DEALS today. One question?", [("CRAZY DEALS", "crazy deals")], id="and a plural"),
        pytest.param("Hi Ana, your FHIR and DICOM work. A question?", [], id="an unknown four-letter word: acronym"),
        pytest.param(
            "Hi Ana, WE THINK OUR SAAS AND IOS TEAMS AT PYDATA ARE GREAT. A question?",
            [
                (
                    "WE THINK OUR SAAS AND IOS TEAMS AT PYDATA ARE GREAT",
                    "we think our SaaS and iOS teams at PyData are great",
                )
            ],
            id="the fix spells acronyms as the list does",
        ),
        pytest.param(
            "Hi Ana, WE THINK I WAS RIGHT. A question?",
            [("WE THINK I WAS RIGHT", "we think I was right")],
            id="I stays a capital",
        ),
        pytest.param("Hi Ana, about FHIR: one question?", [], id="an unknown acronym alone"),
    ],
)
def test_im408_shouted_runs(body: str, runs: list[tuple[str, str]]) -> None:
    assert shouted(body) == runs


@pytest.mark.parametrize(
    ("body", "asks", "links"),
    [
        pytest.param("Hi Ana, the details: https://x.io/offer?utm_source=li", False, 1, id="? inside a link"),
        pytest.param("Hi Ana, have you seen https://x.io/offer?", True, 1, id="? ending the sentence after a link"),
        pytest.param("Hi Ana, see https://x.io/a?b=1. And www.x.io/c, too", False, 2, id="stops after links"),
    ],
)
def test_question_marks_in_links_are_not_questions(body: str, asks: bool, links: int) -> None:
    result = lint_text(draft("Your team", body), select=("IM402", "IM409"))
    assert ("IM402" not in [d.code for d in result.diagnostics]) is asks
    assert result.estimate is not None
    questions = [f for f in result.estimate.factors if f.name == "questions"]
    assert [f.observed for f in questions] == [1 if asks else 0]
    spans = [d for d in result.diagnostics if d.code == "IM409"]
    assert bool(spans) is (links > 1)


LIST_BODY = (
    "Hi Ana,\n\nYour package saved my team weeks, and here are the things that we built on top of it over"
    " the last two quarters:\n- freshness checks for every source we load\n* alerts to Slack\n"
    "1. a weekly report\n2) contract tests in CI\n\nCould we talk?\n\nMarek\n"
    "https://github.com/marek-nowak/dbt-expectations-extensions/tree/main/integration_tests/models/staging\n"
    "marek.nowak@hooli-engineering.example.com"
)


def test_list_items_are_sentences_of_their_own() -> None:
    from inmail_lint.analysis.facts import Analysis
    from inmail_lint.config.settings import default_config

    config = default_config()
    text = draft("Your package", LIST_BODY)
    analysis = Analysis(parse(text), "inmail", config.kind_limits("inmail"))
    body = analysis.field("body")
    assert body is not None
    sentences = [body.text[a:b] for a, b in body.sentences]
    assert sentences[1].startswith("Your package") and sentences[1].endswith("two quarters:")
    assert sentences[2:6] == [
        "- freshness checks for every source we load",
        "* alerts to Slack",
        "1. a weekly report",
        "2) contract tests in CI",
    ]
    # what readability reads: each item and the line before the list end a sentence; a link and an email
    # address are one short word each
    assert "quarters:.\n- freshness checks for every source we load.\n* alerts to Slack." in body.prose
    assert body.prose.endswith("Marek\nlink\nemail")
    found = codes(text)
    assert "IM203" not in found  # the lead-in and the items are not one 45-word sentence
    assert "IM406" not in found  # nor a grade-15 text because of the link
    assert "IM203" in codes(draft("Your package", "Hi Ana, " + " ".join(["word"] * 31) + ". Could we talk?"))


SYMBOL_LIST_BODY = (
    "Hi Ana \U0001f44b\n\nQuick one: three data teams we work with cut their on-call pages by half last quarter"
    " \U0001f4c8\n\n\u2705 No new agents to install\n\U0001f449\U0001f3fc Works with the alerts you have"
    "\n\u27a1\ufe0f Set up in one afternoon\n1\ufe0f\u20e3 Pay only after the first month\n\u25aa Cancel when you"
    " like\n\nWorth a short call this week?\n\nBen\n"
)


def test_lines_opened_by_a_symbol_are_list_items() -> None:
    """Messages often mark list items with an emoji, an arrow or a shape instead of "-": each is a sentence of
    its own, for the long-sentence rule and the reading grade alike (read as one run-on sentence, this body
    read at grade 11.9, as "- " items 2.8)."""
    from inmail_lint.analysis.facts import Analysis
    from inmail_lint.config.settings import default_config

    config = default_config()
    lines = SYMBOL_LIST_BODY.splitlines(keepends=True)
    dashed = "".join("- " + line.split(" ", 1)[1] if 4 <= i <= 8 else line for i, line in enumerate(lines))
    texts = {"symbols": draft("Your on-call", SYMBOL_LIST_BODY), "dashes": draft("Your on-call", dashed)}
    analysed = {k: Analysis(parse(t), "inmail", config.kind_limits("inmail")).field("body") for k, t in texts.items()}
    symbols, dashes = analysed["symbols"], analysed["dashes"]
    assert symbols is not None and dashes is not None
    items = [symbols.text[a:b] for a, b in symbols.sentences][2:7]
    assert [item.split(" ", 1)[1] for item in items] == [
        "No new agents to install",
        "Works with the alerts you have",
        "Set up in one afternoon",
        "Pay only after the first month",
        "Cancel when you like",
    ]
    assert len(symbols.sentences) == len(dashes.sentences)
    # (the keycap's digit is a word to the grade, so the two differ a little)
    assert symbols.grade < 10 and abs(symbols.grade - dashes.grade) < 0.5
    assert "IM406" not in codes(texts["symbols"])
    # an emoji inside a line opens nothing
    inline = "Hi Ana, we cut pages by half \u2705 and " + " ".join(["word"] * 30) + ". Could we talk?"
    assert "IM203" in codes(draft("Your on-call", inline))


@pytest.mark.parametrize(
    ("ending", "asks"),
    [
        pytest.param("Open to a quick chat next week.", True, id="a question without its mark"),
        pytest.param("Reply if this is relevant.", True, id="reply if"),
        pytest.param("Ping me if useful.", True, id="ping me"),
        pytest.param("I would be grateful if you could refer me.", True, id="grateful if you could"),
        pytest.param("I'd appreciate your advice on the role.", True, id="appreciate your advice"),
        pytest.param("Reply 'yes' and I'll send the deck.", True, id="reply yes"),
        pytest.param("Here is my calendar: https://cal.com/jo", True, id="a calendar link"),
        pytest.param("Grab a slot here: https://calendly.com/jo", True, id="grab a slot"),
        pytest.param("Looking forward to hearing from you.", False, id="a hope, not an ask"),
        pytest.param("I appreciate your time.", False, id="thanks, not an ask"),
        pytest.param("Thanks for reading.", False, id="no ask"),
        pytest.param("Keen to learn how you did it.", False, id="a wish, not an ask"),
    ],
)
def test_im402_requests_without_a_question_mark(ending: str, asks: bool) -> None:
    assert ("IM402" not in codes(draft("Your Kafka talk", f"Hi Ana,\n\nLoved your Kafka talk. {ending}"))) is asks


def test_im101_subject_missing_and_blank() -> None:
    assert "IM101" in codes("Hi Ana, a question?\n")
    assert "IM101" in codes("Subject:\n\nHi Ana\n")
    assert "IM101" in codes("---\nsubject: '   '\n---\nHi Ana\n")
    assert "IM101" not in codes("Hi Ana\n", kind="connection-note")


def test_im103_body_missing() -> None:
    assert "IM103" in codes("Subject: Hi\n")
    assert "IM103" in codes("---\nsubject: Hi\n---\n\n\n")
    assert "IM103" not in codes("Subject: Hi\n\n.\n")


def test_im105_subject_not_sent() -> None:
    assert "IM105" in codes("Subject: Hi\n\nHi Ana, connect?\n", kind="connection-note")
    assert "IM105" not in codes("Subject: Hi\n\nHi Ana, connect?\n")
    assert "IM101" not in codes("Subject: Hi\n\nHi Ana, connect?\n", kind="connection-note")


@pytest.mark.parametrize(
    ("length", "free", "fires"),
    [
        pytest.param(300, False, False, id="300 premium"),
        pytest.param(301, False, True, id="301 premium"),
        pytest.param(200, True, False, id="200 free"),
        pytest.param(201, True, True, id="201 free"),
    ],
)
def test_connection_note_limits(length: int, free: bool, fires: bool) -> None:
    text = "---\nkind: connection-note\n---\n" + "a" * length + "\n"
    assert ("IM104" in codes(text, **{"free-account": free})) is fires


@pytest.mark.parametrize(
    ("subject", "fires"), [pytest.param("s" * 60, False, id="60"), pytest.param("s" * 61, True, id="61")]
)
def test_message_ad_subject_limit(subject: str, fires: bool) -> None:
    assert ("IM102" in codes(draft(subject), kind="message-ad")) is fires


@pytest.mark.parametrize(
    ("cta", "fires"), [pytest.param("c" * 20, False, id="20"), pytest.param("c" * 21, True, id="21")]
)
def test_message_ad_cta_limit(cta: str, fires: bool) -> None:
    text = f"---\nsubject: Hi\nkind: message-ad\ncta: {cta}\n---\nHi Ana\n"
    assert ("IM106" in codes(text)) is fires
    assert "IM106" not in codes(text.replace("kind: message-ad\n", ""))


@pytest.mark.parametrize(
    ("emojis", "fires"),
    [
        pytest.param("🚀" * 10, False, id="10"),
        pytest.param("🚀" * 11, True, id="11"),
        pytest.param("👩‍💻" * 10, False, id="10 zwj sequences"),
        pytest.param("🇵🇱" * 11, True, id="11 flags"),
    ],
)
def test_message_ad_emoji_limit(emojis: str, fires: bool) -> None:
    assert ("IM107" in codes(draft("Hi", f"Hi Ana {emojis}"), kind="message-ad")) is fires
    assert "IM107" not in codes(draft("Hi", f"Hi Ana {emojis}"))


def test_kind_in_front_matter_wins_over_config() -> None:
    text = "---\nkind: connection-note\n---\nHi Ana\n"
    assert "IM101" not in codes(text, kind="inmail")


def test_unknown_kind_in_front_matter_is_im002_and_linting_goes_on() -> None:
    text = "---\nkind: inmial\nsubject: Hi\n---\n" + "word " * 120
    result = lint_text(text)
    found = [d.code for d in result.diagnostics]
    assert "IM002" in found and "IM202" in found
    [im002] = [d for d in result.diagnostics if d.code == "IM002"]
    assert "inmial" in im002.message and "connection-note" in im002.message
    assert im002.location is not None and im002.location.row == 2


def test_team_rule_from_rule_dirs(tmp_path: Path) -> None:
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "no-synergy.yaml").write_text(
        "code: TM001\nname: no-synergy\ntype: existence\nseverity: error\nsummary: Do not say synergy.\n"
        "fields: [subject, body]\nphrases: [synergy, circle back]\n"
        "message: \"'{match}' is jargon; say what you mean\"\n"
        "examples:\n  pass: ['Subject: Hi\\n\\nHi Ana']\n  fail: ['Subject: Hi\\n\\nLet us circle back on synergy']\n",
        encoding="utf-8",
    )
    config = parse_config({"rule-dirs": ["team"]}, None, tmp_path)
    result = Linter(config).lint(parse("Subject: Synergy\n\nLet us CIRCLE BACK. Synergies?\n"))
    found = [(d.code, d.message) for d in result.diagnostics if d.code == "TM001"]
    assert found == [
        ("TM001", "'Synergy' is jargon; say what you mean"),
        ("TM001", "'CIRCLE BACK' is jargon; say what you mean"),
    ]


def write_rule(folder: Path, name: str, body: str, passing: str, failing: str) -> None:
    """A team rule file whose examples are real: they are checked when the rule loads."""
    folder.mkdir(exist_ok=True)
    examples = f"examples:\n  pass: [{json.dumps(passing)}]\n  fail: [{json.dumps(failing)}]\n"
    (folder / f"{name}.yaml").write_text(body + examples, encoding="utf-8")


def test_metric_rule_type(tmp_path: Path) -> None:
    write_rule(
        tmp_path / "team",
        "long-sentences",
        "code: TM010\nname: long-sentences\ntype: metric\nseverity: info\nsummary: s\nfield: body\n"
        "metric: words-per-sentence\nmax: 8\nmessage: 'sentences average {value} words; keep them under {max}'\n",
        "Subject: Hi\n\nHi Ana. Coffee soon?\n",
        "Subject: Hi\n\nHi Ana, I really loved the talk you gave at PyData last week.\n",
    )
    config = parse_config({"rule-dirs": ["team"], "select": ["TM"]}, None, tmp_path)
    short = Linter(config).lint(parse("Subject: Hi\n\nHi Ana. Loved the talk. Coffee soon?\n"))
    assert short.diagnostics == []
    long = Linter(config).lint(parse("Subject: Hi\n\nHi Ana, I really loved the talk you gave at PyData last week.\n"))
    [d] = long.diagnostics
    assert d.message == "sentences average 13 words; keep them under 8"
    tuned = parse_config({"rule-dirs": ["team"], "select": ["TM"], "rules": {"TM010": {"max": 20}}}, None, tmp_path)
    assert (
        Linter(tuned).lint(parse("Subject: Hi\n\nHi Ana, I really loved the talk you gave at PyData.\n")).diagnostics
        == []
    )


def test_occurrence_rule_type_with_a_pattern(tmp_path: Path) -> None:
    write_rule(
        tmp_path / "team",
        "exclaim",
        "code: TM011\nname: exclaim\ntype: occurrence\nseverity: warning\nsummary: s\nfields: [subject, body]\n"
        "pattern: '!'\nmax: 1\nmessage: '{field} has {value} exclamation marks; keep at most {max}'\n",
        "Subject: Hi\n\nHi Ana! Coffee?\n",
        "Subject: Hi\n\nHi Ana! Great talk! Coffee!\n",
    )
    config = parse_config({"rule-dirs": ["team"], "select": ["TM"]}, None, tmp_path)
    result = Linter(config).lint(parse("Subject: Hi!\n\nHi Ana! Great talk! Coffee!\n"))
    [d] = result.diagnostics
    assert d.field == "body" and d.message == "body has 3 exclamation marks; keep at most 1"
    assert d.location is not None and d.location.row == 3 and d.location.column == len("Hi Ana! Great talk") + 1


def test_occurrence_min(tmp_path: Path) -> None:
    write_rule(
        tmp_path / "team",
        "ask",
        "code: TM012\nname: ask\ntype: occurrence\nsummary: s\ncount: question\nmin: 1\n"
        "message: 'no question in the {field}; ask one'\n",
        "Subject: Hi\n\nHi Ana, coffee?\n",
        "Subject: Hi\n\nHi Ana.\n",
    )
    config = parse_config({"rule-dirs": ["team"], "select": ["TM"]}, None, tmp_path)
    assert [d.code for d in Linter(config).lint(parse("Subject: Hi\n\nHi Ana.\n")).diagnostics] == ["TM012"]
    assert Linter(config).lint(parse("Subject: Hi\n\nHi Ana, coffee?\n")).diagnostics == []


@pytest.mark.parametrize(
    ("kind", "text", "found"),
    [
        pytest.param(None, "Subject: Hi\n\nHi %FIRSTNAME%, one question?\n", ["IM307"], id="a macro in an InMail"),
        pytest.param(
            "message-ad",
            "---\nsubject: Ship faster\ncta: Start a trial\n---\nHi %FIRSTNAME%, teams at %COMPANYNAME% use it.\n",
            [],
            id="macros in a Message Ad",
        ),
        pytest.param(
            "message-ad",
            "---\nsubject: Ship faster\ncta: Start a trial\n---\nHi %FNAME%, teams use it.\n",
            ["IM301"],
            id="a mail-merge field that is not a LinkedIn macro, in a Message Ad",
        ),
        pytest.param("connection-note", "Hi %JOBTITLE%, let's connect.\n", ["IM307"], id="a macro in a note"),
    ],
)
def test_linkedin_ad_macros(kind: str | None, text: str, found: list[str]) -> None:
    assert [c for c in codes(text, kind=kind) if c in ("IM301", "IM307")] == found


@pytest.mark.parametrize(
    ("sentence", "flagged"),
    [
        pytest.param("Here is my [CV](https://x.io/cv.pdf).", False, id="a Markdown link"),
        pytest.param("Hi [FIRST NAME], one question?", True, id="a bracketed field"),
        pytest.param("Hi [First Name]!", True, id="a bracketed field in title case"),
    ],
)
def test_im301_markdown_links_are_not_placeholders(sentence: str, flagged: bool) -> None:
    assert ("IM301" in codes(draft("Your talk", f"Hi Ana, loved your talk. {sentence} Coffee?"))) is flagged


@pytest.mark.parametrize(
    ("body", "flagged", "fixed"),
    [
        pytest.param("Your **Kafka** talk was great.", ["**Kafka**"], "Your Kafka talk was great.", id="bold"),
        pytest.param("A *really* great talk.", ["*really*"], "A really great talk.", id="italic"),
        pytest.param(
            "See [my notes](https://example.com/n).",
            ["[my notes](https://example.com/n)"],
            "See my notes (https://example.com/n).",
            id="a link",
        ),
        pytest.param(
            "See [example.com](https://example.com).",
            ["[example.com](https://example.com)"],
            "See https://example.com.",
            id="a link that is its address",
        ),
        pytest.param(
            "## Why I write\nBecause of your talk.", ["## "], "Why I write\nBecause of your talk.", id="heading"
        ),
        pytest.param("5 * 3 * 2 is 30, *terms apply, a*b.", [], None, id="arithmetic and footnotes"),
        pytest.param("#python folks, my_var_name and __init__.py", [], None, id="hashtags and snake_case"),
        pytest.param("Points:\n- one\n* two\n1. three", [], None, id="lists read well as plain text"),
    ],
)
def test_im411_markdown(body: str, flagged: list[str], fixed: str | None) -> None:
    from inmail_lint.api import lint_text as lint
    from inmail_lint.engine.fixer import fix_until_stable

    text = f"Subject: Your talk\n\nHi Ana,\n\n{body} One question?\n"
    found = [text[d.start : d.end] for d in lint(text).diagnostics if d.code == "IM411"]
    assert found == flagged
    if fixed is not None:
        after, _, _ = fix_until_stable(text, lint, unsafe=False)
        assert after == f"Subject: Your talk\n\nHi Ana,\n\n{fixed} One question?\n"


@pytest.mark.parametrize(
    ("sentence", "flagged"),
    [
        pytest.param("Our tool is guaranteed to cut costs.", ["guaranteed"], id="guaranteed"),
        pytest.param("Nothing is guaranteed, of course.", [], id="nothing is guaranteed"),
        pytest.param("Results are not guaranteed.", [], id="not guaranteed"),
        pytest.param("It can't be guaranteed.", [], id="can't be guaranteed"),
        pytest.param("URGENT: please reply.", ["URGENT"], id="urgent"),
        pytest.param("Urgent care clinics are your focus.", [], id="urgent care"),
        pytest.param("I have limited time, so one question.", [], id="limited time, not an offer"),
        pytest.param("For a limited time only.", ["For a limited time only"], id="overlapping phrases are one"),
    ],
)
def test_im407_spam_in_context(sentence: str, flagged: list[str]) -> None:
    from inmail_lint.api import lint_text as lint

    text = f"Subject: Your talk\n\nHi Ana,\n\n{sentence} One question about your talk?\n"
    assert [text[d.start : d.end] for d in lint(text).diagnostics if d.code == "IM407"] == flagged


def test_im002_names_every_key_front_matter_accepts() -> None:
    """Its description left out 'variables' and 'send_at', which front matter accepts."""
    from inmail_lint.draft.frontmatter import FRONT_MATTER_KEYS

    [rule] = [r for r in builtin_rules() if r.code == "IM002"]
    for key in FRONT_MATTER_KEYS:
        assert f"`{key}`" in rule.explanation, key
