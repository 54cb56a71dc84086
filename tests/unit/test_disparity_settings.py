"""Disparity settings: defaults, the $ALIGNBOARD_CONFIG override, and exact thresholds."""
from fractions import Fraction

import pytest

from assets.equity.settings import SettingsError, load_settings, parse_threshold


@pytest.fixture(autouse=True)
def _no_config(monkeypatch):
    monkeypatch.delenv("ALIGNBOARD_CONFIG", raising=False)


def test_defaults_are_the_presumptively_reasonable_values():
    s = load_settings()
    assert (s.threshold, s.min_cell, s.min_n, s.consecutive_years) == (Fraction(3), 10, 30, 3)
    assert s.threshold_text == "3.0"


def test_config_file_disparity_section_overrides_defaults(tmp_path, monkeypatch):
    config = tmp_path / "alignboard.yaml"
    config.write_text("other: {x: 1}\ndisparity:\n  threshold: 2.5\n  min_n: 20\n")
    monkeypatch.setenv("ALIGNBOARD_CONFIG", str(config))
    s = load_settings()
    assert (s.threshold, s.min_cell, s.min_n, s.consecutive_years) == (Fraction(5, 2), 10, 20, 3)
    # explicit values (the CLI options) win over the file
    assert load_settings(threshold="4", min_n=None).threshold == 4
    assert load_settings(min_n=None).min_n == 20


def test_config_without_a_disparity_section_keeps_defaults(tmp_path, monkeypatch):
    config = tmp_path / "alignboard.yaml"
    config.write_text("warehouse: data/w.duckdb\n")
    monkeypatch.setenv("ALIGNBOARD_CONFIG", str(config))
    assert load_settings().min_cell == 10


@pytest.mark.parametrize(
    "text, message",
    [("disparity: {treshold: 2}\n", "unknown disparity setting 'treshold'"),
     ("disparity: {consecutive_years: 4}\n", "consecutive_years must be between 1 and 3, not 4"),
     ("disparity: {min_cell: -1}\n", "min_cell must be at least 0, not -1"),
     ("disparity: {min_n: 2.5}\n", "min_n must be a whole number"),
     ("disparity: {threshold: 0}\n", "threshold must be greater than 0")],
)
def test_bad_config_values_say_what_is_wrong(tmp_path, monkeypatch, text, message):
    config = tmp_path / "alignboard.yaml"
    config.write_text(text)
    monkeypatch.setenv("ALIGNBOARD_CONFIG", str(config))
    with pytest.raises(SettingsError, match=message):
        load_settings()


def test_missing_config_file_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("ALIGNBOARD_CONFIG", str(tmp_path / "nope.yaml"))
    with pytest.raises(SettingsError, match="cannot read"):
        load_settings()


@pytest.mark.parametrize(
    "text, value",
    [("3.0", Fraction(3)), ("3", Fraction(3)), ("2.5", Fraction(5, 2)), (" 1.75 ", Fraction(7, 4)),
     ("0.1", Fraction(1, 10)), (2.5, Fraction(5, 2)), ("2.999999", Fraction(2999999, 1000000)),
     ("1000", Fraction(1000))],
)
def test_threshold_is_exact(text, value):
    assert parse_threshold(text) == value


@pytest.mark.parametrize(
    "text", ["0", "0.0", "-1", "abc", "1e3", "3.0000001", "1000.5", "", "nan", "inf", True, None])
def test_threshold_rejects(text):
    with pytest.raises(SettingsError):
        parse_threshold(text)


def test_per_category_settings_from_the_config_file_and_the_caller(tmp_path, monkeypatch):
    config = tmp_path / "alignboard.yaml"
    config.write_text('disparity:\n  min_cell: 5\n  categories:\n    discipline_iss_gt10: {threshold: "2.5", min_n: 20}\n')
    monkeypatch.setenv("ALIGNBOARD_CONFIG", str(config))
    s = load_settings({"discipline_iss_gt10": {"consecutive_years": 2}})
    iss = s.rule("discipline_iss_gt10")
    # the category starts from the defaults (min cell 5 from the file) and takes its own values
    assert (iss.threshold, iss.min_cell, iss.min_n, iss.consecutive_years) == (Fraction(5, 2), 5, 20, 2)
    assert s.rule("identification_all") == s.default
    assert (s.default.threshold, s.default.min_cell, s.default.min_n) == (Fraction(3), 5, 30)


@pytest.mark.parametrize(
    "text, message",
    [("disparity: {categories: {discipline_iss_gt11: {threshold: 2}}}\n", "unknown disparity category 'discipline_iss_gt11'"),
     ("disparity: {categories: {discipline_iss_gt10: {treshold: 2}}}\n", "unknown setting 'treshold' for category"),
     ("disparity: {categories: {discipline_iss_gt10: {min_n: -2}}}\n", "category discipline_iss_gt10: min_n must be at least 0"),
     ("disparity: {total_removals_min_cell: incidents}\n", "total_removals_min_cell must be one of children, removals"),
     ("disparity: {reasonable_progress: -0.1}\n", "reasonable_progress must be a positive decimal"),
     ('disparity: {age_date: "02-30"}\n', "age_date must be a month and day"),
     ('disparity: {age_date: "2024-12-01"}\n', "age_date must be a month and day")],
)
def test_bad_state_choices_say_what_is_wrong(tmp_path, monkeypatch, text, message):
    config = tmp_path / "alignboard.yaml"
    config.write_text(text)
    monkeypatch.setenv("ALIGNBOARD_CONFIG", str(config))
    with pytest.raises(SettingsError, match=message):
        load_settings()
