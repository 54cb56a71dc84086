"""A generated district loads cleanly, and a messy one quarantines exactly the injected faults."""
import csv
import json

import pytest

from pipelines.cli import main
from sample_data import plans

pytestmark = pytest.mark.integration

# faults a loader accepts as they are: trimmed whitespace and a byte-order mark
ACCEPTED_FAULTS = {"whitespace", "bom"}


def quality(warehouse, capsys) -> dict[str, dict]:
    capsys.readouterr()
    assert main(["quality", "--warehouse", str(warehouse), "--format", "json"]) == 0
    return {row["file"]: row for row in json.loads(capsys.readouterr().out)}


def test_clean_generated_district_loads_without_quarantine(tmp_path, capsys):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse.duckdb"
    assert main(["generate", "--out", str(landing), "--students", "600", "--years", "2", "--seed", "7",
                 "--end-year", "2026"]) == 0  # a whole year: the plans are judged as of its end
    assert main(["load", "--landing", str(landing), "--warehouse", str(warehouse)]) == 0
    report = quality(warehouse, capsys)
    assert {row["status"] for row in report.values()} == {"loaded"}
    assert sum(row["rows_quarantined"] for row in report.values()) == 0
    assert report["students.csv"]["rows_loaded"] > 1000  # two years of about 600 students

    # the plans: every flaw the generator builds in is found, goal progress exports, and the
    # catalog's action_steps_on_time has values once plans are loaded
    capsys.readouterr()
    check = ["plans", "check", "--warehouse", str(warehouse), "--as-of", "2026-06-30", "--format", "json"]
    assert main(check) == 0
    problems = json.loads(capsys.readouterr().out)
    assert {p["problem"] for p in problems} == set(plans.FLAWS)
    assert main([*check, "--strict"]) == 3
    goals = tmp_path / "goals.csv"
    assert main(["export", "goals", "--warehouse", str(warehouse), "--as-of", "2026-06-30", "--out", str(goals)]) == 0
    rows = list(csv.DictReader(goals.open()))
    assert {r["status"] for r in rows} <= {"met", "on_track", "at_risk", "off_track", "no_data", "not_measurable"}
    assert {r["level"] for r in rows} == {"district", "department", "school", "plc", "classroom"}
    values = tmp_path / "on_time.csv"
    assert main(["export", "metrics", "--warehouse", str(warehouse), "--metric", "action_steps_on_time",
                 "--out", str(values)]) == 0
    on_time = list(csv.DictReader(values.open()))
    assert {r["level"] for r in on_time} >= {"district", "department", "school"}


def test_messy_generated_district_quarantines_exactly_the_manifest(tmp_path, capsys):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse.duckdb"
    assert main(["generate", "--out", str(landing), "--students", "600", "--years", "1", "--seed", "7", "--messy"]) == 0
    manifest = json.loads((landing / "_messy_manifest.json").read_text())
    assert main(["load", "--landing", str(landing), "--warehouse", str(warehouse)]) == 0
    report = quality(warehouse, capsys)
    for file, faults in manifest.items():
        # every faulty row is quarantined; a conflicting copy takes its original row with it
        expected = sum(n for fault, n in faults.items() if fault not in ACCEPTED_FAULTS)
        expected += faults.get("duplicate_key_conflict", 0)
        row = report[file]
        assert row["rows_quarantined"] == expected, (file, faults, row["reasons"])
        assert row["rows_read"] == row["rows_loaded"] + row["rows_quarantined"]
        # loaded with warnings exactly when more than 1% (the default) of its rows are quarantined
        share = row["rows_quarantined"] / row["rows_read"]
        assert row["status"] == ("loaded_with_warnings" if share > 0.01 else "loaded"), (file, share)

        # every quarantined row is listed, and its line in the file holds exactly its values
        listed = tmp_path / f"quarantine_{file}"
        assert main(["quarantine", file, "--warehouse", str(warehouse), "--out", str(listed)]) == 0
        with listed.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == expected, file
        lines = (landing / file).read_text(encoding="utf-8-sig").split("\n")
        header = next(csv.reader([lines[0]]))
        for quarantined in rows:
            in_file = next(csv.reader([lines[int(quarantined["line"]) - 1]]))
            assert in_file == [quarantined[column] for column in header], (file, quarantined["line"])
