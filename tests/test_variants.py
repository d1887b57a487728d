"""Phrase variants (``(optional)``, ``{a|b}``, ``a|b``) in existence rules' phrases: expanded once, matched as
plain phrases; a phrase that can stand for nothing, or for too much, is a rule-definition error."""

from __future__ import annotations

from pathlib import Path

import pytest

from inmail_lint.checks.define.variants import MAX_FORMS, VariantError, expand

from .conftest import team_rule


def test_a_plain_phrase_is_itself() -> None:
    assert expand("touch base") == ("touch base",)


def test_optional_words_alternatives_and_required_groups() -> None:
    forms = expand("(I) want|wanted to {reach out|follow up}")
    assert len(forms) == 2 * 2 * 2
    assert "want to reach out" in forms and "I wanted to follow up" in forms
    assert all("|" not in f and "(" not in f and "{" not in f for f in forms)


def test_no_form_repeats() -> None:
    assert expand("(a|a) b") == ("b", "a b")


@pytest.mark.parametrize("phrase", ["(just)", "(a) (b)"])
def test_a_phrase_of_only_optional_words_is_refused(phrase: str) -> None:
    with pytest.raises(VariantError, match="can match nothing"):
        expand(phrase)


def test_too_many_forms_is_refused() -> None:
    with pytest.raises(VariantError, match=f"at most {MAX_FORMS}"):
        expand(" ".join(["a|b|c"] * 6))


def test_unbalanced_brackets_are_refused() -> None:
    with pytest.raises(VariantError, match="unbalanced"):
        expand("hope (you are well")


def test_a_team_rule_uses_variants(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    team_rule(
        tmp_path,
        "TM100",
        "code: TM100\nname: hedging\ntype: existence\nseverity: warning\nsummary: Hedging.\n"
        "message: \"'{match}' hedges\"\n"
        "phrases: ['(I) (just) think|thought maybe']\n"
        'examples: {pass: ["Subject: a\\n\\nHi Ana"], fail: ["Subject: a\\n\\nHi Ana, I think maybe?"]}\n',
    )
    (tmp_path / "a.inmail").write_text("Subject: Your talk\n\nHi Ana, I just thought maybe we could talk?\n")
    status, out, _ = cli("check", "--select", "TM100", "a.inmail", cwd=tmp_path)
    assert status == 1 and "'I just thought maybe' hedges" in out


def test_a_team_rule_with_a_bad_variant_names_the_file_and_key(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    team_rule(
        tmp_path,
        "TM101",
        "code: TM101\nname: empty\ntype: existence\nseverity: warning\nsummary: X.\nmessage: x\nphrases: ['(maybe)']\n"
        "examples: {pass: ['Subject: a\\n\\nHi Ana'], fail: ['Subject: a\\n\\nHi Ana, maybe?']}\n",
    )
    (tmp_path / "a.inmail").write_text("Subject: Your talk\n\nHi Ana, one question?\n")
    status, _, err = cli("check", "a.inmail", cwd=tmp_path)
    assert status == 2 and "TM101.yaml: key 'phrases': phrase '(maybe)' can match nothing" in err


def test_a_team_rule_matches_token_shapes(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    team_rule(
        tmp_path,
        "TM102",
        "code: TM102\nname: deadline\ntype: existence\nseverity: warning\nsummary: Deadlines.\nmessage: \"'{match}'\"\n"
        "token-patterns: [[{NORM: by}, {NORM: {IN: [friday, monday]}}]]\n"
        'examples: {pass: ["Subject: a\\n\\nHi Ana"], fail: ["Subject: a\\n\\nHi Ana, by Friday?"]}\n',
    )
    (tmp_path / "a.inmail").write_text("Subject: Your talk\n\nHi Ana, could you reply by Friday?\n")
    status, out, _ = cli("check", "--select", "TM102", "a.inmail", cwd=tmp_path)
    assert status == 1 and "'by Friday'" in out


def test_a_bad_token_pattern_names_the_file_and_key(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    team_rule(
        tmp_path,
        "TM103",
        "code: TM103\nname: bad\ntype: existence\nseverity: warning\nsummary: X.\nmessage: x\n"
        "token-patterns: [[{POS: NOUN}]]\n"
        "examples: {pass: ['Subject: a\\n\\nHi Ana'], fail: ['Subject: a\\n\\nHi Ana, maybe?']}\n",
    )
    (tmp_path / "a.inmail").write_text("Subject: Your talk\n\nHi Ana, one question?\n")
    status, _, err = cli("check", "a.inmail", cwd=tmp_path)
    assert status == 2 and "TM103.yaml: key 'token-patterns'" in err and "POS" in err


@pytest.mark.parametrize(
    ("examples", "message"),
    [
        (
            '{pass: ["Hi Ana"], fail: ["Hi Ana, one question?"]}',
            "examples.fail[0]: the rule does not flag this example",
        ),
        ('{pass: ["Hi Ana, synergy?"], fail: ["synergy"]}', "examples.pass[0]: the rule flags this example"),
    ],
)
def test_a_team_rules_examples_are_checked_when_it_loads(tmp_path: Path, cli, examples: str, message: str) -> None:  # type: ignore[no-untyped-def]
    team_rule(
        tmp_path,
        "TM104",
        "code: TM104\nname: jargon\ntype: existence\nseverity: warning\nsummary: Jargon.\nmessage: x\n"
        f"phrases: [synergy]\nexamples: {examples}\n",
    )
    (tmp_path / "a.inmail").write_text("Subject: Your talk\n\nHi Ana, one question?\n")
    status, _, err = cli("check", "a.inmail", cwd=tmp_path)
    assert status == 2 and f"TM104.yaml: {message}" in err
