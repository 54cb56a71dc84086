"""`alignboard export early-warning` on a generated district (600 students, 2025-26): the CSV lists
the flagged students, equals mart.early_warning at a month end, and no student name reaches the
mart, any other mart, or a public export."""
from __future__ import annotations

import csv

import duckdb
import pytest

from dashboards.queries.early_warning import EXPORT_COLUMNS as EARLY_WARNING_COLUMNS
from pipelines.cli import main

pytestmark = pytest.mark.integration
MONTH_END = "2026-01-31"


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ews")
    landing, warehouse = folder / "landing", folder / "warehouse.duckdb"
    assert main(["generate", "--out", str(landing), "--students", "600", "--years", "1", "--seed", "7",
                 "--end-year", "2026"]) == 0
    assert main(["load", "--landing", str(landing), "--warehouse", str(warehouse)]) == 0
    return landing, warehouse


def export(tmp_path, warehouse, *options) -> list[dict]:
    out = tmp_path / "ews.csv"
    assert main(["export", "early-warning", "--warehouse", str(warehouse), "--out", str(out), *options]) == 0
    with out.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames) == EARLY_WARNING_COLUMNS
        return list(reader)


def test_the_export_lists_every_student_and_the_flagged_ones(district, tmp_path):
    landing, warehouse = district
    rows = export(tmp_path, warehouse, "--as-of", MONTH_END)
    with (landing / "students.csv").open(newline="", encoding="utf-8") as handle:
        students = {r["student_id"] for r in csv.DictReader(handle) if r["school_year"] == "2026"}
    assert {r["student_id"] for r in rows} == students and len(rows) == len(students)
    flagged = [r for r in rows if int(r["flags"]) > 0]
    assert 0 < len(flagged) < len(rows)
    # each indicator is raised for someone, and flags counts exactly the raised ones
    assert {r["attendance"] for r in rows} == {"none", "chronic", "severe"}
    for indicator in ("behavior", "course", "assessment"):
        assert any(r[indicator] == "Y" for r in rows), indicator
    for r in rows:
        raised = (r["attendance"] != "none") + (r["behavior"] == "Y") + (r["course"] == "Y") + (r["assessment"] == "Y")
        assert int(r["flags"]) == raised


def test_the_export_at_a_month_end_equals_the_mart(district, tmp_path):
    _, warehouse = district
    rows = export(tmp_path, warehouse, "--as-of", MONTH_END)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(f"SELECT {', '.join(EARLY_WARNING_COLUMNS)} FROM mart.early_warning "
                             "WHERE as_of = ? ORDER BY school_id, student_id", [MONTH_END])
        mart = cursor.fetchall()
    as_text = [tuple("" if v is None else f"{v:.4f}" if isinstance(v, float) else str(v) for v in row) for row in mart]
    assert [tuple(r.values()) for r in rows] == as_text


def test_one_school_gets_its_own_students(district, tmp_path):
    _, warehouse = district
    everyone = export(tmp_path, warehouse, "--as-of", MONTH_END)
    school = everyone[0]["school_id"]
    assert export(tmp_path, warehouse, "--as-of", MONTH_END, "--school", school) == [
        r for r in everyone if r["school_id"] == school]


def test_public_is_refused_in_one_line(district, tmp_path, capsys):
    _, warehouse = district
    out = tmp_path / "public.csv"
    capsys.readouterr()
    assert main(["export", "early-warning", "--warehouse", str(warehouse), "--public", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--public" in err and not out.exists()


def test_student_names_never_reach_a_mart_or_a_public_export(district, tmp_path):
    landing, warehouse = district
    with (landing / "students.csv").open(newline="", encoding="utf-8") as handle:
        students = list(csv.DictReader(handle))
    names = {(s["first_name"], s["last_name"]) for s in students}
    assert all(first and last for first, last in names)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        # the names load (for the student-level queries), and no mart table has a name column
        assert con.execute("SELECT count(first_name), count(last_name) FROM staging.students").fetchone() == (
            len(students), len(students))
        assert con.execute("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'mart' "
                           "AND column_name IN ('first_name', 'last_name')").fetchone()[0] == 0
        text_columns = con.execute("SELECT table_name, column_name FROM information_schema.columns "
                                   "WHERE table_schema = 'mart' AND data_type = 'VARCHAR'").fetchall()
        first_names = sorted({first for first, _ in names})
        for table, column in text_columns:
            found = con.execute(f'SELECT count(*) FROM mart."{table}" WHERE "{column}" IN (SELECT unnest(?))',
                                [first_names]).fetchone()[0]
            assert found == 0, f"mart.{table}.{column}"
    for what in (["metrics"], ["goals", "--as-of", "2026-06-30"]):
        out = tmp_path / f"{what[0]}.csv"
        assert main(["export", *what, "--warehouse", str(warehouse), "--public", "--out", str(out)]) == 0
        text = out.read_text(encoding="utf-8")
        assert not [f"{first} {last}" for first, last in names if f"{first} {last}" in text]
