"""Settings of the disparity rule: threshold, minimum cell, minimum n-size, consecutive years.

Defaults live in settings.yaml beside this file; a `disparity:` section in the YAML file named by
$ALIGNBOARD_CONFIG overrides them, and the CLI options override both. The threshold is kept as an
exact fraction of its decimal text, because a ratio flags only when it strictly exceeds it and
floating point would decide 3.0 vs 2.9999999999999996 wrongly (see engine.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from assets.config import config_path, read_mapping

DEFAULTS_FILE = Path(__file__).with_name("settings.yaml")
KEYS = ("threshold", "min_cell", "min_n", "consecutive_years")
# 300.647(d)(1): a state may wait for up to three consecutive years before identifying an LEA.
MAX_CONSECUTIVE_YEARS = 3
# The exact flag compares count * population * threshold products in DuckDB's 128-bit HUGEINT:
# with counts and populations up to 10**14 (counts_csv.MAX_COUNT), a threshold of at most 1000
# with at most 6 decimals keeps both sides below 10**38.
MAX_THRESHOLD = 1000
_DECIMAL = re.compile(r"^\s*\d+(\.\d{1,6})?\s*$|^\s*\.\d{1,6}\s*$")


class SettingsError(ValueError):
    """A setting that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    threshold: Fraction
    threshold_text: str
    min_cell: int
    min_n: int
    consecutive_years: int


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


def _read_yaml(path: Path, section: str | None) -> dict:
    data = read_mapping(path, SettingsError)
    if section is not None:
        data = data.get(section) or {}
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: the {section or 'top'} level must be a mapping")
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise SettingsError(f"{path}: unknown disparity setting {unknown[0]!r} (known: {', '.join(KEYS)})")
    return data


def load_settings(**overrides: object) -> Settings:
    """Defaults, then $ALIGNBOARD_CONFIG's `disparity:` section, then non-None overrides."""
    values = _read_yaml(DEFAULTS_FILE, None)
    config = config_path()
    if config:
        values.update(_read_yaml(config, "disparity"))
    values.update({key: value for key, value in overrides.items() if value is not None})
    unknown = sorted(set(values) - set(KEYS))
    if unknown:
        raise SettingsError(f"unknown disparity setting {unknown[0]!r}")
    threshold = parse_threshold(values["threshold"])
    return Settings(
        threshold=threshold,
        threshold_text=str(values["threshold"]).strip(),
        min_cell=parse_count_setting("min_cell", values["min_cell"], 0),
        min_n=parse_count_setting("min_n", values["min_n"], 0),
        consecutive_years=parse_count_setting(
            "consecutive_years", values["consecutive_years"], 1, MAX_CONSECUTIVE_YEARS
        ),
    )
