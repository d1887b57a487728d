"""Validation before construction: what a configuration names (rule codes and prefixes, rules and their
options, the refund model, the spaCy model) is checked against the rules and the files it reads, each
problem a :class:`~inmail_lint.config.settings.ConfigError` in one style (the file, the key, what is wrong,
what is expected), before a linter is built on it."""

from __future__ import annotations

from inmail_lint.analysis.nlp import ModelNotInstalled, get_nlp
from inmail_lint.config.settings import Config, ConfigError
from inmail_lint.engine.registry import Registry
from inmail_lint.model.estimate import Model, ModelError, load_model


def check_codes(config: Config, registry: Registry) -> None:
    """Every rule code, prefix, rule and option a configuration names is one the registry knows, and each
    option's value is of its type: :class:`ConfigError` naming the file and key otherwise."""
    label = config.label
    known = registry.codes

    def check(key: str, prefix: str) -> None:
        if prefix == "ALL" or any(code.startswith(prefix) for code in known):
            return
        hint = "see 'inmail-lint rule --all'"
        if not prefix.startswith("IM"):  # a team rule: the rule-dirs that define it are another config's
            hint += (
                "; a team rule is known where a config's rule-dirs load it: a subfolder's config can say "
                'extend = "../inmail-lint.toml" to start from its parent\'s settings'
            )
        raise ConfigError(f"{label}: {key}: unknown rule code or prefix {prefix!r} ({hint})")

    for key, values in (
        ("select", config.select),
        ("extend-select", config.extend_select),
        ("ignore", config.ignore),
    ):
        for prefix in values:
            check(key, prefix)
    for pattern, codes in config.per_file_ignores:
        for prefix in codes:
            check(f"per-file-ignores.{pattern!r}", prefix)
    for code, settings in config.rules.items():
        rule = registry.get(code)
        if rule is None:
            raise ConfigError(f"{label}: rules: unknown rule {code!r} (see 'inmail-lint rule --all')")
        for option, value in settings.items():
            if option == "severity":
                continue
            spec = rule.options.get(option)
            if spec is None:
                expected = ", ".join(["severity", *rule.options]) or "severity"
                raise ConfigError(f"{label}: rules.{code}: unknown option {option!r}; {rule.code} takes {expected}")
            problem = spec.check(value)
            if problem:
                raise ConfigError(f"{label}: rules.{code}.{option}: expected {problem}, got {value!r}")


def refund_model(config: Config) -> Model:
    """The refund model the configuration names (or the built-in one), loaded and checked."""
    try:
        return load_model(config.model)
    except ModelError as exc:
        raise ConfigError(f"{config.label}: key 'model': {exc}") from None


def check_spacy_model(config: Config) -> None:
    """A named spaCy model is installed (loaded now, once)."""
    if config.spacy_model is not None:
        try:
            get_nlp(config.spacy_model)
        except ModelNotInstalled as exc:
            raise ConfigError(f"{config.label}: key 'spacy-model': {exc}") from None
