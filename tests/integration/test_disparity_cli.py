"""`alignboard disparity --counts FILE`: an analyst reproduces a state's determination from the
aggregated counts alone. Expected values are computed by hand from 34 CFR 300.647."""
import csv
import io
import math
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.cli import main

HEADER = ["school_year", "lea_id", "category", "group", "count", "population", "children", "risk",
          "comparison_count", "comparison_population", "comparison_risk", "ratio_type", "na_reason",
          "ratio", "weighted_risk_ratio", "risk_difference", "odds_ratio", "ci_low", "ci_high",
          "composition", "flagged", "years_over_threshold", "reasonable_progress", "significant",
          "unknown_race_population", "threshold", "min_cell", "min_n", "consecutive_years"]

# D1 identifies black students for emotional disturbance (ED) over three times as often as its
# other students, three years running. D2's other groups are too small (white: 4 identified), so
# the state's other groups are its comparison (the alternate risk ratio).
COUNTS = """school_year,lea_id,category,group,count,population
2024,D1,identification_ed,black,35,1000
2024,D1,identification_ed,white,10,1000
2024,D1,identification_ed,hispanic_latino,3,500
2025,D1,identification_ed,black,40,1000
2025,D1,identification_ed,white,10,1000
2025,D1,identification_ed,hispanic_latino,3,500
2026,D1,identification_ed,black,32,1000
2026,D1,identification_ed,white,10,1000
2026,D1,identification_ed,hispanic_latino,3,500
2026,D2,identification_ed,black,15,200
2026,D2,identification_ed,white,4,300
2026,STATE,identification_ed,black,2000,100000
2026,STATE,identification_ed,white,3000,300000
2026,STATE,identification_ed,hispanic_latino,1000,100000
"""


def alignboard_disparity(*argv: str) -> int:
    return main(["disparity", *argv])


@pytest.fixture(autouse=True)
def _no_config(monkeypatch):
    monkeypatch.delenv("ALIGNBOARD_CONFIG", raising=False)


@pytest.fixture
def counts_file(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text(COUNTS)
    return path


def parse(text):
    reader = csv.reader(io.StringIO(text))
    header = next(reader)
    return header, [dict(zip(header, row)) for row in reader]


def test_reproduces_the_determination(counts_file, capsys):
    assert alignboard_disparity("--counts", str(counts_file)) == 0
    header, rows = parse(capsys.readouterr().out)
    assert header == HEADER
    # one row per non-state input row, in input order
    assert [(r["school_year"], r["lea_id"], r["group"]) for r in rows] == [
        (line.split(",")[0], line.split(",")[1], line.split(",")[3])
        for line in COUNTS.splitlines()[1:] if ",STATE," not in line]
    by_key = {(r["school_year"], r["lea_id"], r["group"]): r for r in rows}

    # D1 2026 black: a = 32 of n1 = 1000; comparison = white 10 + hispanic 3 = 13 of 1500.
    r = by_key["2026", "D1", "black"]
    assert (r["count"], r["population"], r["comparison_count"], r["comparison_population"]) == \
        ("32", "1000", "13", "1500")
    assert (r["ratio_type"], r["na_reason"]) == ("RR", "")
    assert float(r["risk"]) == 0.032
    assert float(r["comparison_risk"]) == 13 / 1500
    assert float(r["ratio"]) == pytest.approx(48 / 13, rel=1e-15)  # 32*1500 / (1000*13)
    assert float(r["risk_difference"]) == pytest.approx(0.032 - 13 / 1500, rel=1e-12)
    assert float(r["odds_ratio"]) == pytest.approx((32 / 968) / (13 / 1487), rel=1e-12)
    se = math.sqrt(1 / 32 - 1 / 1000 + 1 / 13 - 1 / 1500)
    assert float(r["ci_low"]) == pytest.approx(math.exp(math.log(48 / 13) - 1.96 * se), rel=1e-12)
    assert float(r["ci_high"]) == pytest.approx(math.exp(math.log(48 / 13) + 1.96 * se), rel=1e-12)
    assert float(r["composition"]) == pytest.approx(32 / 45, rel=1e-15)
    # WRR: other groups' risks weighted by state population: (300000 * 0.01 + 100000 * 0.006)
    # / 400000 = 0.009, and 0.032 / 0.009 = 32/9 (the LEA mix gives 48/13 instead).
    assert float(r["weighted_risk_ratio"]) == pytest.approx(32 / 9, rel=1e-12)
    assert (r["flagged"], r["years_over_threshold"], r["significant"]) == ("Y", "3", "Y")

    # The two earlier years were over the threshold too (4.04 and 4.62), but not yet three in a row.
    assert [(by_key[y, "D1", "black"]["flagged"], by_key[y, "D1", "black"]["years_over_threshold"],
             by_key[y, "D1", "black"]["significant"]) for y in ("2024", "2025")] == [
        ("Y", "1", "N"), ("Y", "2", "N")]
    # Hispanic: 3 identified, below the cell of 10 -> no ratio, and says why.
    h = by_key["2026", "D1", "hispanic_latino"]
    assert (h["ratio_type"], h["na_reason"], h["ratio"], h["flagged"]) == \
        ("NA", "group_count_below_min_cell", "", "N")

    # D2 2026 black: LEA comparison white 4 < 10 -> ARR against the state's other groups:
    # (white 3000 + hispanic 1000) / (300000 + 100000) = 0.01; ARR = (15/200) / 0.01 = 7.5.
    d2 = by_key["2026", "D2", "black"]
    assert (d2["ratio_type"], d2["comparison_count"], d2["comparison_population"]) == ("ARR", "4000", "400000")
    assert float(d2["ratio"]) == 7.5
    assert (d2["flagged"], d2["years_over_threshold"], d2["significant"]) == ("Y", "1", "N")
    # Only D1 is significantly disproportionate.
    assert [(r["school_year"], r["lea_id"], r["group"]) for r in rows if r["significant"] == "Y"] == [
        ("2026", "D1", "black")]


def test_weighted_risk_ratio_uses_the_state_shares(counts_file, capsys):
    # Defined only where the state has data (2026) and D1 has every group the state has.
    assert alignboard_disparity("--counts", str(counts_file)) == 0
    _, rows = parse(capsys.readouterr().out)
    r = next(r for r in rows if (r["school_year"], r["lea_id"], r["group"]) == ("2026", "D1", "white"))
    # white risk 10/1000; others weighted by state population: black 100000 * 0.032 + hispanic
    # 100000 * (3/500) = 3800 over 200000 -> 0.019; WRR = 0.01 / 0.019 = 10/19.
    assert float(r["weighted_risk_ratio"]) == pytest.approx(10 / 19, rel=1e-12)
    assert all(r["weighted_risk_ratio"] == "" for r in rows if r["school_year"] != "2026")


def test_settings_from_options(counts_file, capsys):
    args = ("--counts", str(counts_file), "--threshold", "4.5", "--min-cell", "3",
            "--consecutive-years", "1")
    assert alignboard_disparity(*args) == 0
    _, rows = parse(capsys.readouterr().out)
    by_key = {(r["school_year"], r["lea_id"], r["group"]): r for r in rows}
    assert by_key["2025", "D1", "black"]["flagged"] == "Y"  # 60/13 = 4.62 > 4.5
    assert by_key["2025", "D1", "black"]["significant"] == "Y"  # one year is enough
    assert by_key["2024", "D1", "black"]["flagged"] == "N"  # 52.5/13 = 4.04
    assert by_key["2026", "D1", "hispanic_latino"]["ratio_type"] == "RR"  # 3 >= cell 3


def test_threshold_from_config_file(counts_file, tmp_path, monkeypatch, capsys):
    config = tmp_path / "alignboard.yaml"
    config.write_text("disparity:\n  threshold: '7.5'\n")
    monkeypatch.setenv("ALIGNBOARD_CONFIG", str(config))
    assert alignboard_disparity("--counts", str(counts_file)) == 0
    _, rows = parse(capsys.readouterr().out)
    d2 = next(r for r in rows if r["lea_id"] == "D2" and r["group"] == "black")
    assert (d2["ratio"], d2["flagged"]) == ("7.5", "N")  # exactly at the threshold


def test_out_file(counts_file, tmp_path, capsys):
    out = tmp_path / "result.csv"
    assert alignboard_disparity("--counts", str(counts_file), "--out", str(out)) == 0
    assert capsys.readouterr().out == ""
    header, rows = parse(out.read_text())
    assert header == HEADER and len(rows) == 11


@pytest.mark.parametrize(
    "line, message",
    [("2026,D3,identification_ed,black,-3,40", "line 16: count -3 is negative (column count)"),
     ("2026,D3,identification_ed,black,3.0,40", "line 16: count '3.0' is not a whole number (column count)"),
     ("2026,D3,identification_ed,black,41,40", "line 16: count 41 is greater than population 40 (column count)"),
     ("2026,D1,identification_ed,black,1,40",
      "line 16: duplicate row for school_year 2026, lea_id D1, category identification_ed, group black "
      "(first at line 8) (column group)")],
)
def test_bad_input_is_one_line_naming_the_row(counts_file, capsys, line, message):
    counts_file.write_text(COUNTS + line + "\n")
    assert alignboard_disparity("--counts", str(counts_file)) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"alignboard disparity: {counts_file} {message}\n"


def test_missing_column(tmp_path, capsys):
    path = tmp_path / "c.csv"
    path.write_text("school_year,lea_id,category,group,population\n2026,D1,x,black,4\n")
    assert alignboard_disparity("--counts", str(path)) == 1
    assert capsys.readouterr().err == (
        f"alignboard disparity: {path} line 1: the header has no count column (column count)\n")


@pytest.mark.parametrize(
    "options",
    [("--threshold", "0"), ("--threshold", "-1"), ("--threshold", "three"), ("--min-cell", "-1"),
     ("--min-n", "2.5"), ("--consecutive-years", "0"), ("--consecutive-years", "4")],
)
def test_usage_errors_exit_2(counts_file, capsys, options):
    with pytest.raises(SystemExit) as caught:
        alignboard_disparity("--counts", str(counts_file), *options)
    assert caught.value.code == 2
    assert f"argument {options[0]}" in capsys.readouterr().err


def test_missing_counts_option_and_missing_file(tmp_path, capsys):
    with pytest.raises(SystemExit) as caught:
        alignboard_disparity()
    assert caught.value.code == 2
    capsys.readouterr()
    assert alignboard_disparity("--counts", str(tmp_path / "nope.csv")) == 2
    assert capsys.readouterr().err == f"alignboard disparity: {tmp_path / 'nope.csv'}: no such file\n"


def test_console_script(counts_file):
    script = Path(sys.executable).with_name("alignboard")
    done = subprocess.run([str(script), "disparity", "--counts", str(counts_file)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    header, rows = parse(done.stdout)
    assert header == HEADER and len(rows) == 11


def test_per_category_threshold_option_and_students_of_unknown_race(tmp_path, capsys):
    # 2026 D1: ED 32 / 1000 black against 13 / 1500 others = 3.69; SLD 40 / 1000 against
    # 20 / 1500 = 3.0 exactly (not above 3.0, above 2.5). 7 students of unknown race in D1 (given
    # as group unknown): outside both ratios, reported on every row.
    path = tmp_path / "counts.csv"
    path.write_text(
        "school_year,lea_id,category,group,count,population\n"
        "2026,D1,identification_ed,black,32,1000\n2026,D1,identification_ed,white,13,1500\n"
        "2026,D1,identification_ed,unknown,1,7\n"
        "2026,D1,identification_sld,black,40,1000\n2026,D1,identification_sld,white,20,1500\n"
        "2026,D1,identification_sld,unknown,2,7\n"
    )
    assert alignboard_disparity("--counts", str(path), "--threshold", "identification_sld=2.5",
                                "--consecutive-years", "1") == 0
    _, rows = parse(capsys.readouterr().out)
    by = {(r["category"], r["group"]): r for r in rows}
    assert len(rows) == 4  # no output row for the unknown group
    assert (by["identification_sld", "black"]["flagged"], by["identification_sld", "black"]["threshold"]) == ("Y", "2.5")
    assert (by["identification_ed", "black"]["flagged"], by["identification_ed", "black"]["threshold"]) == ("Y", "3.0")
    assert by["identification_sld", "black"]["comparison_count"] == "20"  # the unknown 2 are not in it
    assert {r["unknown_race_population"] for r in rows} == {"7"}
    assert alignboard_disparity("--counts", str(path), "--threshold", "identification_sld=4",
                                "--threshold", "3.5") == 0
    _, rows = parse(capsys.readouterr().out)
    by = {(r["category"], r["group"]): r for r in rows}
    assert by["identification_sld", "black"]["flagged"] == "N"  # 3.0 against its own 4
    assert by["identification_ed", "black"]["flagged"] == "Y"  # 3.69 against the default 3.5
    with pytest.raises(SystemExit) as stop:
        alignboard_disparity("--counts", str(path), "--threshold", "identification_sdl=4")
    assert stop.value.code == 2
    assert "unknown category 'identification_sdl'" in capsys.readouterr().err


def test_total_removals_need_children_when_the_minimum_cell_counts_children(tmp_path, capsys):
    path = tmp_path / "counts.csv"
    path.write_text("school_year,lea_id,category,group,count,population\n"
                    "2026,D1,discipline_total_removals,black,12,40\n")
    assert alignboard_disparity("--counts", str(path)) == 1
    err = capsys.readouterr().err
    assert "line 2: discipline_total_removals needs the number of children" in err and err.count("\n") == 1
    assert alignboard_disparity("--counts", str(path), "--total-removals-min-cell", "removals") == 0
