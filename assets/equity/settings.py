"""Settings of the disparity rule: every choice 34 CFR 300.647 leaves to the state.

Per category (300.647(b)(1)(ii) lets a state set them per category): threshold, minimum cell,
minimum n-size, consecutive years. For all categories: which count total removals' minimum cell
is checked on, the optional reasonable-progress exception of 300.647(d)(2), and the date ages
are taken on. Defaults live in settings.yaml beside this file; a `disparity:` section in the YAML
file named by $ALIGNBOARD_CONFIG overrides them, and the CLI options override both. The
threshold is kept as an exact fraction of its decimal text, because a ratio flags only when it
strictly exceeds it and floating point would decide 3.0 vs 2.9999999999999996 wrongly.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from assets.config import config_path, read_mapping
from data_contracts.vocabulary import CATEGORIES

DEFAULTS_FILE = Path(__file__).with_name("settings.yaml")
RULE_KEYS = ("threshold", "min_cell", "min_n", "consecutive_years")
KEYS = (*RULE_KEYS, "categories", "total_removals_min_cell", "reasonable_progress", "age_date")
# What the minimum cell of total removals counts (300.647(a): "the number of children
# experiencing a particular outcome"), or the removals themselves (the count of the risk).
MIN_CELL_BASES = ("children", "removals")
# 300.647(d)(1): a state may wait for up to three consecutive years before identifying an LEA.
MAX_CONSECUTIVE_YEARS = 3
# The exact flag compares count * population * threshold products in DuckDB's 128-bit HUGEINT:
# with counts and populations up to 10**14 (counts_csv.MAX_COUNT), a threshold of at most 1000
# with at most 6 decimals keeps both sides below 10**38.
MAX_THRESHOLD = 1000
_DECIMAL = re.compile(r"^\s*\d+(\.\d{1,6})?\s*$|^\s*\.\d{1,6}\s*$")
_MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


class SettingsError(ValueError):
    """A setting that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Rule:
    """The numbers of the rule for one category."""

    threshold: Fraction
    threshold_text: str
    min_cell: int
    min_n: int
    consecutive_years: int


@dataclass(frozen=True)
class Settings:
    """The defaults (also this object's threshold ... consecutive_years) and each category's rule."""

    threshold: Fraction
    threshold_text: str
    min_cell: int
    min_n: int
    consecutive_years: int
    categories: dict[str, Rule] = field(default_factory=dict)
    total_removals_min_cell: str = "children"
    reasonable_progress: Fraction | None = None
    reasonable_progress_text: str | None = None
    age_date: str = "12-01"

    @property
    def default(self) -> Rule:
        return Rule(self.threshold, self.threshold_text, self.min_cell, self.min_n, self.consecutive_years)

    def rule(self, category: str) -> Rule:
        return self.categories.get(category, self.default)

    def describe(self) -> str:
        """One line for run metadata: the default rule and every per-category difference."""
        def text(rule: Rule) -> str:
            return (f"ratio > {rule.threshold_text} for {rule.consecutive_years} consecutive years; "
                    f"min cell {rule.min_cell}, min n {rule.min_n}")
        parts = [text(self.default)] + [f"{c}: {text(r)}" for c, r in sorted(self.categories.items())]
        return " | ".join(parts)


def parse_threshold(value: object) -> Fraction:
    """Exact value of a positive decimal threshold such as "3.0" or "2.5"."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise SettingsError(f"threshold must be a positive decimal number, not {value!r}")
    text = str(value)
    if not _DECIMAL.match(text):
        raise SettingsError(
            f"threshold must be a positive decimal number with at most 6 decimals, not {text!r}"
        )
    threshold = Fraction(text.strip())
    if threshold <= 0:
        raise SettingsError(f"threshold must be greater than 0, not {text.strip()}")
    if threshold > MAX_THRESHOLD:
        raise SettingsError(f"threshold must be at most {MAX_THRESHOLD}, not {text.strip()}")
    return threshold


def parse_count_setting(name: str, value: object, minimum: int, maximum: int | None = None) -> int:
    """A whole-number setting within its bounds (YAML or CLI text)."""
    if isinstance(value, bool):
        raise SettingsError(f"{name} must be a whole number, not {value!r}")
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        value = int(value)
    if not isinstance(value, int):
        raise SettingsError(f"{name} must be a whole number, not {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"at least {minimum}" if maximum is None else f"between {minimum} and {maximum}"
        raise SettingsError(f"{name} must be {bounds}, not {value}")
    return value


def parse_age_date(value: object) -> str:
    """A month and day "MM-DD" (the state's count date, e.g. "12-01"); ages are taken on it."""
    match = _MONTH_DAY.match(str(value).strip()) if isinstance(value, str) else None
    if match:
        try:
            dt.date(2001, int(match.group(1)), int(match.group(2)))  # no Feb 29: not a date every year
        except ValueError:
            match = None
    if not match:
        raise SettingsError(f"age_date must be a month and day such as \"12-01\", not {value!r}")
    return str(value).strip()


def _read_yaml(path: Path, section: str | None) -> dict:
    data = read_mapping(path, SettingsError)
    if section is not None:
        data = data.get(section) or {}
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: the {section or 'top'} level must be a mapping")
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise SettingsError(f"{path}: unknown disparity setting {unknown[0]!r} (known: {', '.join(KEYS)})")
    categories = data.get("categories") or {}
    if not isinstance(categories, dict):
        raise SettingsError(f"{path}: disparity categories must map a category to its settings")
    for category, values in categories.items():
        _check_category(category, values, str(path))
    return data


def _check_category(category: object, values: object, where: str) -> None:
    if category not in CATEGORIES:
        raise SettingsError(f"{where}: unknown disparity category {category!r} (see docs/disparity.md)")
    if not isinstance(values, dict):
        raise SettingsError(f"{where}: the settings of category {category} must be a mapping")
    unknown = sorted(set(values) - set(RULE_KEYS))
    if unknown:
        raise SettingsError(
            f"{where}: unknown setting {unknown[0]!r} for category {category} (known: {', '.join(RULE_KEYS)})"
        )


def _rule(values: dict, where: str = "") -> Rule:
    prefix = f"{where}: " if where else ""
    try:
        return Rule(
            threshold=parse_threshold(values["threshold"]),
            threshold_text=str(values["threshold"]).strip(),
            min_cell=parse_count_setting("min_cell", values["min_cell"], 0),
            min_n=parse_count_setting("min_n", values["min_n"], 0),
            consecutive_years=parse_count_setting(
                "consecutive_years", values["consecutive_years"], 1, MAX_CONSECUTIVE_YEARS
            ),
        )
    except SettingsError as error:
        raise SettingsError(f"{prefix}{error}") from None


def load_settings(categories: dict[str, dict] | None = None, **overrides: object) -> Settings:
    """Defaults, then $ALIGNBOARD_CONFIG's `disparity:` section, then non-None overrides.

    `categories` maps a category to its own overrides ({"discipline_iss_gt10": {"threshold": "2.5"}});
    a category's rule starts from the default rule and takes the file's then these values.
    """
    values = _read_yaml(DEFAULTS_FILE, None)
    file_categories = dict(values.pop("categories", None) or {})
    config = config_path()
    if config:
        extra = _read_yaml(config, "disparity")
        for category, rule in (extra.pop("categories", None) or {}).items():
            file_categories[category] = {**file_categories.get(category, {}), **rule}
        values.update(extra)
    values.update({key: value for key, value in overrides.items() if value is not None})
    unknown = sorted(set(values) - set(KEYS))
    if unknown:
        raise SettingsError(f"unknown disparity setting {unknown[0]!r}")
    for category, rule in (categories or {}).items():
        _check_category(category, rule, "disparity")
        file_categories[category] = {**file_categories.get(category, {}), **rule}
    default = _rule(values)
    per_category = {
        category: _rule({**{k: values[k] for k in RULE_KEYS}, **rule}, f"category {category}")
        for category, rule in sorted(file_categories.items())
    }
    basis = values.get("total_removals_min_cell", "children")
    if basis not in MIN_CELL_BASES:
        raise SettingsError(f"total_removals_min_cell must be one of {', '.join(MIN_CELL_BASES)}, not {basis!r}")
    progress = values.get("reasonable_progress")
    if progress is not None:
        try:
            progress_value = parse_threshold(progress)
        except SettingsError:
            raise SettingsError(
                f"reasonable_progress must be a positive decimal decrease of the ratio (or blank for off), "
                f"not {progress!r}"
            ) from None
    return Settings(
        threshold=default.threshold,
        threshold_text=default.threshold_text,
        min_cell=default.min_cell,
        min_n=default.min_n,
        consecutive_years=default.consecutive_years,
        categories=per_category,
        total_removals_min_cell=basis,
        reasonable_progress=progress_value if progress is not None else None,
        reasonable_progress_text=str(progress).strip() if progress is not None else None,
        age_date=parse_age_date(values.get("age_date", "12-01")),
    )
