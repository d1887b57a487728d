"""Drafts in another language: the rules that read English phrasing (``language: en``) are not run on them, and a
note says so; everything else is checked as usual. English drafts, however terse or mixed, are English."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from inmail_lint.engine.registry import builtin_rules

from .conftest import codes, lint_text, team_rule

ENGLISH_RULES = {"IM302", "IM303", "IM304", "IM305", "IM401", "IM402", "IM404", "IM405", "IM406", "IM407"}

OTHER = {
    "French": "Bonjour Élodie,\n\nJ'ai lu votre article sur la migration vers Kubernetes chez Doctolib. Nous faisons "
    "la même chose chez Alan. Seriez-vous disponible pour un café la semaine prochaine ?\n\nMerci,\nThomas",
    "Spanish": "Hola Lucía,\n\nVi tu charla en PyCon España sobre pandas y me pareció muy útil. Estoy construyendo "
    "algo parecido en Cabify. ¿Tendrías 15 minutos para una llamada?\n\nGracias,\nPablo",
    "German": "Hallo Jonas,\n\nich habe Ihren Vortrag auf der KubeCon gesehen und fand ihn sehr spannend. Wir haben "
    "bei Zalando ein ähnliches Problem. Hätten Sie Zeit für ein kurzes Gespräch?\n\nViele Grüße\nAnna",
    "Dutch": "Hoi Daan,\n\nIk zag je presentatie op de Amsterdam ML meetup en vond het erg interessant. Wij werken "
    "aan iets vergelijkbaars bij Adyen. Heb je zin om een keer koffie te drinken?\n\nGroeten,\nFemke",
    "Italian": "Ciao Marco,\n\nho letto il tuo articolo su LinkedIn sulla gestione dei dati in Satispay e mi è "
    "piaciuto molto. Possiamo sentirci per una call?\n\nGrazie,\nGiulia",
    "Portuguese": "Olá Ana,\n\nVi a sua palestra na Python Brasil sobre tipagem gradual. Posso fazer uma pergunta "
    "sobre o mypy no vosso monorepo?\n\nObrigado,\nJoão",
    "Polish": "Dzień dobry Pani Anno,\n\nprzeczytałem Pani artykuł o migracji do chmury w Allegro. Pracuję nad "
    "podobnym projektem i chciałbym zapytać, czy znalazłaby Pani 15 minut na rozmowę?\n\nPozdrawiam,\nTomasz",
}


def test_the_english_rules_are_the_ones_marked() -> None:
    assert {r.code for r in builtin_rules() if r.language == "en"} == ENGLISH_RULES


@pytest.mark.parametrize("language", OTHER)
def test_a_draft_in_another_language_skips_the_english_rules(language: str) -> None:
    subject = "Une question rapide sur votre article et la migration vers Kubernetes"  # 69 characters: IM201
    result = lint_text(f"Subject: {subject}\n\n{OTHER[language]}\n")
    found = {d.code for d in result.diagnostics}
    assert not found & ENGLISH_RULES
    assert "IM201" in found  # limits are still checked
    assert len(result.notes) == 1 and "not in English" in result.notes[0]
    assert all(code in result.notes[0] for code in ENGLISH_RULES)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            "Hi %FIRSTNAME%, teams like yours at %COMPANYNAME% use Meditrack to pass HIPAA audits in weeks, not "
            "months. Get a free readiness audit: https://meditrack.example/audit",
            id="terse English ad copy",
        ),
        pytest.param(
            "Hoi Daan,\n\nLeuk je te zien bij de meetup vorige week! Your point about evaluation sets drifting stuck "
            "with me. Would you be up for a coffee at Lab111 next Thursday?\n\nGroet,\nFemke",
            id="a Dutch greeting and sign-off around English",
        ),
        pytest.param("Bonjour! We met at the Paris meetup; merci for the slides. Coffee soon?", id="a French word"),
        pytest.param(
            "Hi Ana, MIT OS ES DOS ET IL grads: our MIT OS team ships ES DOS tools. Coffee in IL with ET folks?",
            id="acronyms that are words elsewhere (mit, os, es, dos, et, il)",
        ),
    ],
)
def test_english_drafts_stay_english(body: str) -> None:
    result = lint_text(f"Subject: Hello\n\n{body}\n")
    assert result.notes == []
    assert "IM305" in {d.code for d in result.diagnostics}  # an English rule ran


@pytest.mark.parametrize(("words", "other"), [(11, False), (12, True)])
def test_too_few_words_to_tell_is_english(words: int, other: bool) -> None:
    body = " ".join((["Bonjour", "merci", "pour", "votre", "article", "sur", "les", "données"] * 2)[:words])
    assert len(body.split()) == words
    notes = lint_text(f"Subject: Hello\n\n{body}\n").notes
    assert bool(notes) is other


def test_only_the_rules_that_are_on_are_named() -> None:
    result = lint_text(f"Subject: Hello\n\n{OTHER['French']}\n", select=("IM303", "IM201"))
    assert result.notes and "(IM303)" in result.notes[0]
    assert lint_text(f"Subject: Hello\n\n{OTHER['French']}\n", select=("IM201",)).notes == []


def test_a_team_rule_can_be_marked_english(tmp_path: Path) -> None:
    from inmail_lint.config.settings import load_config_file

    path = team_rule(
        tmp_path,
        "hype",
        "code: TM001\nname: hype\ntype: existence\nlanguage: en\nsummary: s\nphrases: [rapide, Kubernetes]\n"
        'message: m\nexamples: {pass: ["Subject: a\\n\\nHi Ana"], fail: ["Subject: a\\n\\nHi Ana, Kubernetes?"]}\n',
    )
    config = load_config_file(path)
    from inmail_lint.api import lint_text as api_lint_text

    assert "TM001" not in {
        d.code for d in api_lint_text(f"Subject: x\n\n{OTHER['French']}\n", config=config).diagnostics
    }
    english = "Subject: x\n\nHi Ana, how is Kubernetes treating you and your team these days at work?\n"
    assert "TM001" in {d.code for d in api_lint_text(english, config=config).diagnostics}


def test_the_command_line_prints_the_note(cli: object, tmp_path: Path) -> None:
    (tmp_path / "fr.inmail").write_text(f"Subject: Bonjour\n\n{OTHER['French']}\n", encoding="utf-8")
    _status, _out, err = cli("check", "fr.inmail", cwd=tmp_path)  # type: ignore[operator]
    assert "inmail-lint: note: fr.inmail: the body is not in English" in err


def test_rule_docs_say_which_rules_read_english() -> None:
    from inmail_lint.report.rulesdoc import rule_to_json, rule_to_markdown

    im303 = next(r for r in builtin_rules() if r.code == "IM303")
    im201 = next(r for r in builtin_rules() if r.code == "IM201")
    assert "reads English phrasing" in rule_to_markdown(im303) and "English" not in rule_to_markdown(im201)
    assert rule_to_json(im303)["language"] == "en" and rule_to_json(im201)["language"] is None


def test_french_is_not_reported_as_generic() -> None:
    assert "IM303" in codes("Subject: Hello\n\nHi Ana, we sell software to companies. Interested in a demo?\n")
    assert "IM303" not in codes(f"Subject: Hello\n\n{OTHER['French']}\n")


def test_the_json_report_carries_the_note(report_schema: dict[str, object]) -> None:
    from .conftest import result_to_json, validate_report

    document = result_to_json(lint_text(f"Subject: Bonjour\n\n{OTHER['French']}\n"))
    assert document["notes"] and "not in English" in document["notes"][0]
    validate_report({"version": 1, "files": [document]}, report_schema)
    assert "notes" not in result_to_json(lint_text("Subject: Hello\n\nHi Ana, one question?\n"))


def test_the_config_can_say_every_draft_is_english() -> None:
    text = f"Subject: Bonjour\n\n{OTHER['French']}\n"
    forced = lint_text(text, language="en")
    assert forced.notes == [] and "IM303" in {d.code for d in forced.diagnostics}
    assert "not in English" in lint_text(text, language="auto").notes[0]


def test_language_en_reads_every_draft_as_english(tmp_path: Path) -> None:
    """The config's language = "en" decides for the estimate too: the reading grade and the personal level are
    read, and nothing says English phrasing was not read."""
    from inmail_lint.api import lint_text
    from inmail_lint.config.settings import default_config

    text = f"Subject: Bonjour\n\n{OTHER['French']}\n"
    auto = lint_text(text, config=default_config(tmp_path))
    english = lint_text(text, config=dataclasses.replace(default_config(tmp_path), language="en"))
    assert auto.estimate is not None and english.estimate is not None
    assert auto.estimate.caveat and not english.estimate.caveat
    names = {f.name for f in english.estimate.factors}
    assert "personal" in names and "personal" not in {f.name for f in auto.estimate.factors}
