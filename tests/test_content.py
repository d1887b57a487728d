"""Personalization with profiles and sender context, token matching, and the optional trained pipeline."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from inmail_lint.config.settings import parse_config
from inmail_lint.draft.parse import parse
from inmail_lint.engine.linter import Linter

from .conftest import codes, lint_text

Run = Callable[..., tuple[int, str, str]]
PROFILE = (
    "recipient:\n  name: Ana Kowalski\n  company: Globex\n  mutual_connections: [Jane Doe]\n"
    "  past_companies: [Initech]\n  groups: [PyData Warsaw]\n  recent_posts: [data contracts]\n"
)
SENDER = {"name": "Marek Nowak", "company": "Hooli", "past_companies": ["Initech"], "groups": ["PyData Warsaw"]}


def draft(subject: str, body: str) -> str:
    return f"---\nsubject: {subject}\n{PROFILE}---\n{body}\n"


def message(code: str, text: str, **settings: object) -> str:
    [d] = [d for d in lint_text(text, **settings).diagnostics if d.code == code]
    return d.message


def test_profile_names_count_as_personalization() -> None:
    assert "IM303" in codes(draft("Hello", "Hi Ana, we sell software. Interested?"))
    assert "IM303" not in codes(draft("Hello", "Hi Ana, how does Globex test its pipelines? Interested?"))
    assert "IM303" not in codes(draft("Hello", "Hi Ana, I read your thoughts on data contracts. A question?"))


def test_no_personalization_says_what_to_mention() -> None:
    text = draft("Hello", "Hi Ana, we sell software. Interested?")
    assert message("IM303", text).endswith("mention Jane Doe, your mutual connection")


def test_common_ground_from_both_profiles() -> None:
    text = draft("Hello", "Hi Ana, how does Globex test its pipelines?")
    no_mutual = text.replace("  mutual_connections: [Jane Doe]\n", "")
    assert message("IM304", no_mutual, sender=SENDER) == (
        "no common ground is mentioned; mention that you both worked at Initech"
    )
    assert message("IM304", no_mutual) == (
        "no mutual connection, shared group, former employer or school is mentioned; name one you share"
    )
    mentioned = draft("Hello", "Hi Ana, we were both at Initech, years apart. How does Globex test pipelines?")
    assert "IM304" not in codes(mentioned.replace("  mutual_connections: [Jane Doe]\n", ""), sender=SENDER)
    group = draft("Hello", "Hi Ana, I saw your question in PyData Warsaw. How does Globex test pipelines?")
    assert "IM304" not in codes(group, sender=SENDER)


@pytest.mark.parametrize(
    ("subject", "personal"),
    [
        pytest.param("Ana, one question", True, id="first name"),
        pytest.param("Kowalski family question", True, id="last name"),
        pytest.param("Jane Doe suggested I write", True, id="mutual connection"),
        pytest.param("Your data contracts post", True, id="post topic"),
        pytest.param("Quick question", False, id="generic"),
        pytest.param("Anaconda licensing", False, id="not a whole-word name"),
        pytest.param("Question re: your Terraform module", True, id="re: your <thing>"),
        pytest.param("Your thoughts on our new product?", False, id="your thoughts on our product"),
    ],
)
def test_subject_personal(subject: str, personal: bool) -> None:
    text = draft(subject, "Hi Ana, Jane Doe suggested I write. A question?")
    assert ("IM305" not in codes(text)) is personal


@pytest.mark.parametrize(
    ("sentence", "specific", "common_ground"),
    [
        pytest.param("We both know Sarah from PyData.", True, True, id="we both know"),
        pytest.param(
            "Sarah Lin (we both know her from the Women in Tech Tokyo group) said you would know.",
            True,
            True,
            id="a long group name after 'from the'",
        ),
        pytest.param("We both spent time at Initech.", True, True, id="we both spent time at"),
        pytest.param("Both of us worked at Initech.", True, True, id="both of us worked"),
        pytest.param("I was impressed by your time at Stripe.", True, False, id="your time at a company"),
        pytest.param(
            "I was impressed by your experience with Spark and Airflow at Contoso.",
            True,
            False,
            id="your experience with ... at a company",
        ),
        pytest.param("I was impressed by your experience.", False, False, id="your experience, no company"),
        pytest.param("Your work on the Kubernetes operator caught my eye.", True, False, id="your work on the <Name>"),
        pytest.param("Your work on the team is impressive.", False, False, id="your work on the team"),
        pytest.param("I see you've been at Stripe for six years.", True, False, id="you have been at <Company>"),
        pytest.param("Your GitHub contributions to pandas helped us.", True, False, id="your contributions"),
        pytest.param("Happy work anniversary!", True, False, id="work anniversary"),
        pytest.param("Your team's migration to Iceberg sounds big.", True, False, id="your team's <something>"),
        pytest.param("Your company's potential is huge.", False, False, id="your company's <generic>"),
        pytest.param("We're connected through Jane Doe.", True, True, id="connected through"),
        pytest.param("We have a few connections in common.", True, True, id="connections in common"),
        pytest.param("We share a connection in Jane Doe.", True, True, id="we share a connection"),
        pytest.param("I'm also an Initech alum.", True, True, id="also an alum"),
        pytest.param("Fellow Wharton MBA here.", True, True, id="fellow MBA"),
        pytest.param("We both belong to the PyLadies Slack.", True, True, id="we both belong"),
        pytest.param("I also studied at TU Delft.", True, True, id="I also studied at"),
        pytest.param("I also went to the gym.", False, False, id="I also went to"),
        pytest.param("We share a passion for data.", False, False, id="we share a passion"),
        pytest.param("I was impressed by your experience at the company.", False, False, id="at no named company"),
        pytest.param("Fellow Wharton '15 here.", True, True, id="fellow <school> '15"),
        pytest.param(
            "A former student of yours, Sara Holm, said you would know.", True, True, id="of yours, <Name>, said"
        ),
        pytest.param("A friend of mine said you would know.", False, False, id="a friend of mine: no one they know"),
        pytest.param("As a fellow CFA charterholder, I value your view.", True, True, id="fellow charterholder"),
        pytest.param(
            "Your organization's work on eviction defense in Queens came up.", True, False, id="your org's work on X"
        ),
        pytest.param("Your organization's work is important.", False, False, id="your org's work, nothing named"),
        pytest.param("Your data journalism seminar invites practitioners.", True, False, id="your seminar"),
        pytest.param(
            "Saw on your careers page that Glovo is hiring four SREs.", True, False, id="saw <they> are hiring"
        ),
        pytest.param("I saw you're hiring.", True, False, id="saw you're hiring"),
        pytest.param("Following up on our chat at SaaStr.", True, False, id="our chat at <event>"),
        pytest.param("Would you like our call next week?", False, False, id="our call next week: not yet had"),
        pytest.param("I have an idea for Ramp's AP team.", True, False, id="for <Company>'s team"),
        pytest.param("I saw that we are hiring too.", False, False, id="we are hiring: the sender's news"),
        pytest.param("Fellow Stanford ’09 grad here.", True, True, id="fellow <school> ’09 grad"),
        pytest.param("Book your FREE demo now.", False, False, id="your free demo: an offer"),
        pytest.param("Claim your personalised guide today.", False, False, id="your personalised guide: an offer"),
        pytest.param("Your demo at PyData was great.", True, False, id="your demo: their work"),
        pytest.param(
            "I've been using your terraform-aws-eks module at work.", True, False, id="your <hyphenated> module"
        ),
        pytest.param("Your point about evaluation sets drifting stuck with me.", True, False, id="your point"),
        pytest.param("Hope you had a great weekend! We help SaaS founders.", False, False, id="weekend filler"),
    ],
)
def test_cues_without_a_profile(sentence: str, specific: bool, common_ground: bool) -> None:
    found = codes(f"Subject: Hello\n\nHi Ana,\n\n{sentence} Could we talk?\n")
    assert ("IM303" not in found) is specific
    assert ("IM304" not in found) is common_ground


def test_generic_greeting_fix_uses_the_first_name() -> None:
    result = lint_text(draft("Hello", "Dear Sir or Madam,\n\nJane Doe suggested I write. A question?"))
    [d] = [d for d in result.diagnostics if d.code == "IM302"]
    assert d.message == "'Dear Sir or Madam' names no one; greet them by name ('Hi Ana,')"
    assert d.fix is not None and [e.text for e in d.fix.edits] == ["Hi Ana,"]


@pytest.mark.parametrize(
    ("greeting", "mismatch"),
    [
        pytest.param("Hi Ana,", False, id="first name"),
        pytest.param("Dear Ms. Kowalski,", False, id="title and last name"),
        pytest.param("Hello Ana Kowalski!", False, id="full name"),
        pytest.param("Hi ANA,", False, id="any case"),
        pytest.param("Hi Mark,", True, id="someone else"),
        pytest.param("Hey Tom -", True, id="someone else with a dash"),
        pytest.param("Dear Dr. Kowalski,", False, id="a title with a full stop"),
        pytest.param("Dear Mr. Smith,", True, id="a title and someone else's last name"),
        pytest.param("Good morning Ana,", False, id="good morning and the name"),
        pytest.param("Good morning Mark,", True, id="good morning and someone else"),
        pytest.param("Hi Ana 👋,", False, id="an emoji after the name"),
        pytest.param("👋 Hi Mark,", True, id="an emoji before the greeting"),
        pytest.param("Hi Mark (if I may),", True, id="an aside after the name"),
        pytest.param("Hi there Mark,", True, id="hi there and someone else"),
        pytest.param("Hi there Ana,", False, id="hi there and the name"),
    ],
)
def test_greeting_mismatch(greeting: str, mismatch: bool) -> None:
    assert ("IM306" in codes(draft("Hello", f"{greeting}\n\nJane Doe suggested I write. A question?"))) is mismatch


@pytest.mark.parametrize(
    ("name", "greeting", "mismatch"),
    [
        pytest.param("Robert Smith", "Hi Bob,", False, id="Bob for Robert"),
        pytest.param("Bob Smith", "Hi Robert,", False, id="Robert for Bob"),
        pytest.param("Elizabeth Ng", "Hey Liz!", False, id="Liz for Elizabeth"),
        pytest.param("William Ortiz", "Hi Bill,", False, id="Bill for William"),
        pytest.param("Jadwiga Nowak", "Hi Jadzia,", True, id="a short form the list does not know"),
        pytest.param("Robert Smith", "Hi Bill,", True, id="another name's short form"),
    ],
)
def test_greeting_by_a_short_form_of_the_name(name: str, greeting: str, mismatch: bool) -> None:
    text = f"---\nsubject: Your talk\nrecipient: {{name: {name}}}\n---\n{greeting}\n\nLoved your talk. Coffee?\n"
    assert ("IM306" in codes(text)) is mismatch


@pytest.mark.parametrize(
    ("greeting", "generic"),
    [
        pytest.param("Dear Mr. Smith,", False, id="title and last name"),
        pytest.param("Hi Dr. Ana Kowalski,", False, id="title and full name"),
        pytest.param("Good morning Ana,", False, id="good morning and a name"),
        pytest.param("Good morning,", True, id="good morning alone"),
        pytest.param("Dear Sir / Madam,", True, id="sir or madam"),
        pytest.param("Hi all, hope you are well.", True, id="hi all"),
        pytest.param("Hey, Ana!", False, id="a comma before the name"),
        pytest.param("Hi, I am Marek from Hooli.", True, id="a comma and no name"),
        pytest.param("Hello, Team,", True, id="a comma and no one"),
        pytest.param("👋 Hi there,", True, id="an emoji, then hi there"),
        pytest.param("Hi 👋", True, id="hi and an emoji"),
        pytest.param("Respected Sir,", True, id="respected sir"),
        pytest.param("Respected Sir/Madam,", True, id="respected sir/madam"),
        pytest.param("Respected Dr. Kowalski,", False, id="respected and a name"),
    ],
)
def test_generic_greeting_by_what_follows(greeting: str, generic: bool) -> None:
    assert ("IM302" in codes(f"Subject: Your talk\n\n{greeting}\n\nLoved your talk. Coffee?\n")) is generic


@pytest.mark.parametrize(
    ("sentence", "mismatch"),
    [
        pytest.param("How is your team at Globex?", False, id="their company"),
        pytest.param("How was your time at Initech?", False, id="a past company"),
        pytest.param("How is your team at Hooli?", True, id="another company"),
        pytest.param("I hear you are hiring engineers at Umbrella Corp.", True, id="hiring at another"),
        pytest.param("I work at Hooli myself.", False, id="the sender's own company"),
        pytest.param("How is your team at Globex's Berlin office?", False, id="their company, possessive"),
        pytest.param("How is your team at Hooli's Berlin office?", True, id="another company, possessive"),
    ],
)
def test_company_mismatch(sentence: str, mismatch: bool) -> None:
    assert ("IM306" in codes(draft("Hello", f"Hi Ana, Jane Doe suggested I write. {sentence}"))) is mismatch


def test_recipient_profile_keys_are_validated() -> None:
    result = lint_text("---\nsubject: Hi\nrecipient: {name: Ana, employer: Globex}\n---\nHi Ana\n")
    [d] = [d for d in result.diagnostics if d.code == "IM002"]
    assert "unknown field 'employer'" in d.message


def test_blank_profile_values_are_no_values() -> None:
    text = "---\nsubject: Hi\nrecipient: {name: '  ', company: ' Globex '}\n---\n"
    found = codes(text + "Hi Ana, how is your team at Globex? Coffee?\n")
    assert "IM002" not in found
    assert "IM306" not in found  # no name to disagree with, and Globex is their company once trimmed


def write_rule(folder: Path, phrases: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "r.yaml").write_text(
        f"code: TM001\nname: words\ntype: existence\nsummary: s\nphrases: {phrases}\nmessage: '{{match}}'\n"
        f"examples: {{pass: ['Hi Ana'], fail: [{json.dumps('Hi Ana, ' + yaml.safe_load(phrases)[0])}]}}\n",
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    ("phrases", "text", "found"),
    [
        pytest.param("[rapist]", "Our therapist network is growing.", [], id="therapist is not rapist"),
        pytest.param("[ass]", "Could you assess the risk?", [], id="assess is not ass"),
        pytest.param("[circle back]", "Let us Circle  back soon.", ["Circle  back"], id="case and spacing"),
        pytest.param("[circle back]", "Let us circle\nback soon.", ["circle back"], id="across a line break, one line"),
        pytest.param("[I am reaching out]", "I’m reaching out today.", ["I’m reaching out"], id="contraction"),
    ],
)
def test_phrases_match_whole_tokens(tmp_path: Path, phrases: str, text: str, found: list[str]) -> None:
    write_rule(tmp_path / "team", phrases)
    config = parse_config({"rule-dirs": ["team"], "select": ["TM"]}, None, tmp_path)
    result = Linter(config).lint(parse(f"Subject: Hi\n\n{text}\n"))
    assert [d.message for d in result.diagnostics] == found


def test_missing_spacy_model_is_a_config_error(cli: Run, tmp_path: Path) -> None:
    (tmp_path / "inmail-lint.toml").write_text('spacy-model = "en_core_web_nonexistent"\n', encoding="utf-8")
    (tmp_path / "a.inmail").write_text("Subject: Hi\n\nHi Ana\n", encoding="utf-8")
    status, out, err = cli("check", "a.inmail", cwd=tmp_path)
    assert status == 2 and out == ""
    assert "spacy-model" in err and "python -m pip install en_core_web_nonexistent" in err
    assert "never downloads" in err


def test_a_trained_pipeline_with_entities_is_used(tmp_path: Path) -> None:
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "ORG", "pattern": [{"LOWER": "umbrella"}, {"LOWER": "corp"}]}])
    nlp.add_pipe("sentencizer")
    nlp.to_disk(tmp_path / "pipeline")
    text = draft("Hello", "Hi Ana, Jane Doe suggested I write. Is your team with the folks at umbrella corp?")
    assert "IM306" not in codes(text)  # lower case: the patterns alone do not see a company
    assert "IM306" in codes(text, **{"spacy-model": str(tmp_path / "pipeline")})


@pytest.mark.parametrize(
    ("opener", "cliche"),
    [
        pytest.param("Hope you had a great weekend!", True, id="weekend"),
        pytest.param("I hope your week is going well.", True, id="week"),
        pytest.param("Hope you're well!", True, id="hope you're well"),
        pytest.param("Hope you're doing great.", True, id="doing great"),
        pytest.param("Hope the launch went well.", False, id="a real hope about their launch"),
    ],
)
def test_small_talk_openers_are_cliches(opener: str, cliche: bool) -> None:
    assert ("IM405" in codes(f"Subject: Your talk\n\nHi Ana,\n\n{opener} One question about your talk?\n")) is cliche


@pytest.mark.parametrize(
    ("name", "subject", "personal"),
    [
        pytest.param("Liam O'Neil", "O'Neil, one question", True, id="an apostrophe"),
        pytest.param("Liam O'Neil", "O’Neil, one question", True, id="a curly apostrophe"),
        pytest.param("Mary-Jane Watson", "Mary-Jane, one question", True, id="a hyphen"),
        pytest.param("Mary-Jane Watson", "Jane, one question", True, id="part of a hyphenated name"),
        pytest.param("Ana Kowalski", "Anastasia's question", False, id="not inside another word"),
    ],
)
def test_their_name_in_the_subject(name: str, subject: str, personal: bool) -> None:
    text = f'---\nsubject: "{subject}"\nrecipient: {{name: "{name}"}}\n---\nHi there, one question?\n'
    assert ("IM305" not in codes(text)) is personal


@pytest.mark.parametrize(
    ("company", "sentence", "personal"),
    [
        pytest.param("Notion", "I had a notion that this might help.", False, id="a common word, not the company"),
        pytest.param("Box", "Think outside the box with us.", False, id="outside the box"),
        pytest.param("Notion", "Everyone at Notion must be busy.", True, id="the company, capitalised"),
        pytest.param("Initech", "Everyone at INITECH must be busy.", True, id="in capitals"),
        pytest.param("Raj Patel", "raj patel said hello.", True, id="a name of two words: any case"),
    ],
)
def test_a_one_word_profile_name_needs_its_capital(company: str, sentence: str, personal: bool) -> None:
    field = "mutual_connections: [Raj Patel]" if " " in company else f"company: {company}"
    text = f"---\nsubject: Hello\nrecipient: {{name: Ana Kowalski, {field}}}\n---\nHi Ana,\n\n{sentence} Coffee?\n"
    assert ("IM303" not in codes(text)) is personal
