"""The contracts match the public landing-file contract and compile to valid SQL and GX suites."""
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from data_contracts.contract import ContractError, _parse, load_contracts
from data_contracts.gx_suite import validate_profile
from data_contracts.row_rules import broken_rows_sql, quote, typed_rows_sql
from assets.warehouse import SETUP_SQL
from tests.landing_docs import documented_files

def test_every_contract_is_documented_with_exactly_its_required_columns():
    documented = documented_files()
    assert len(documented) >= 29  # the tables were read, not skipped
    for name, contract in load_contracts().items():
        assert name in documented, f"{name}.csv is not in docs/landing-files.md"
        assert documented[name] == contract.required_column_names, name


def test_contracts_are_ordered_after_the_files_they_reference():
    order = list(load_contracts())
    for contract in load_contracts().values():
        for dependency in contract.depends_on:
            assert order.index(dependency) < order.index(contract.file)


def test_every_contract_compiles_to_sql_duckdb_accepts():
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging")
    con.execute(SETUP_SQL)
    contracts = load_contracts()
    for contract in contracts.values():  # empty staging tables for the foreign keys to read
        columns = ", ".join(f"{quote(c.name)} {c.sql_type}" for c in contract.columns)
        derived = "".join(f", {quote(d)} INTEGER" for d in contract.derived)
        con.execute(f"CREATE TABLE staging.{quote(contract.file)} ({columns}{derived})")
    for contract in contracts.values():
        landing = ", ".join(f"{quote(c)} VARCHAR" for c in contract.column_names)
        con.execute(f"CREATE TABLE {quote('lines_' + contract.file)} (_row BIGINT, _line BIGINT, {landing})")
        # one line whose every field is blank: exactly its required columns are missing, in
        # contract order (no rule, code or foreign key judges an unknown value), and it types to NULLs
        blanks = ", ".join("' '" for _ in contract.column_names)
        con.execute(f"INSERT INTO {quote('lines_' + contract.file)} VALUES (0, 2, {blanks})")
        broken = con.execute(broken_rows_sql(contract, quote("lines_" + contract.file))).fetchall()
        required = [f"missing:{c.name}" for c in contract.columns if c.required]
        assert broken == ([(0, 2, required)] if required else []), contract.file
        typed = con.execute(typed_rows_sql(contract, quote("lines_" + contract.file), [])).fetchall()
        assert typed == [(0, 2) + (None,) * (len(contract.columns) + len(contract.derived))], contract.file


def test_bad_contract_yaml_names_file_and_field(tmp_path):
    path = tmp_path / "things.yaml"
    path.write_text("file: things\ncolumns:\n  id: {type: uuid}\n")
    with pytest.raises(ContractError, match=r"things.yaml: column id: type must be one of"):
        _parse(path)
    path.write_text("file: things\ncolumns:\n  id: {type: id}\nkey: [code]\n")
    with pytest.raises(ContractError, match="things.yaml: key column code is not a declared column"):
        _parse(path)


def profile(**overrides):
    base = dict(status="read", rows_loaded=100, row_change_ratio=None, duplicate_keys=0, freshness_change=None)
    return base | overrides


def test_gx_suite_passes_a_good_first_load_and_a_missing_optional_file():
    contracts = load_contracts()
    assert validate_profile(contracts["attendance_daily"], contracts["attendance_daily"].column_names, profile()).success
    special_education = contracts["special_education"]
    missing = profile(status="missing", rows_loaded=0)
    assert validate_profile(special_education, special_education.column_names, missing).success


@pytest.mark.parametrize(
    "overrides, failing",
    [
        (dict(row_change_ratio=1.51), "row_change_ratio"),  # larger over smaller: more or fewer rows
        (dict(rows_loaded=0), "valid_rows_if_read"),  # no valid row at all
        (dict(dropped_references=3), "dropped_references"),  # drops keys kept data points at
        (dict(duplicate_keys=1), "duplicate_keys"),
        (dict(freshness_change=-1), "freshness_change"),  # newest date a day older than loaded
        (dict(status="unreadable"), "status"),
    ],
)
def test_gx_suite_fails_each_blocking_expectation(overrides, failing):
    contract = load_contracts()["attendance_daily"]
    outcome = validate_profile(contract, contract.column_names, profile(**overrides))
    assert not outcome.success
    assert [o.column for o in outcome.failures()] == [failing]


def test_gx_suite_bounds_are_inclusive():
    contract = load_contracts()["attendance_daily"]
    assert validate_profile(contract, contract.column_names, profile(row_change_ratio=1.5, freshness_change=0)).success


def test_gx_suite_fails_required_file_missing_and_missing_columns():
    students = load_contracts()["students"]
    outcome = validate_profile(students, students.column_names, profile(status="missing"))
    assert [o.column for o in outcome.failures()] == ["status"]
    outcome = validate_profile(students, ["student_id"], profile())
    assert [o.expectation for o in outcome.failures()] == ["expect_table_columns_to_match_set"]


def test_codes_named_from_the_vocabulary_are_the_vocabularys():
    from data_contracts import vocabulary

    contracts = load_contracts()
    assert contracts["students"].column("grade_level").allowed == vocabulary.GRADES
    assert contracts["state_counts"].column("group").allowed == vocabulary.GROUPS
    race_rule = next(r for r in contracts["students"].rules if r.name == "unknown_race")
    # the rule's list of races, typed in SQL, must be exactly the vocabulary's
    assert re.findall(r"'(\w+)'", race_rule.valid_when) == list(vocabulary.RACES)


def test_the_gx_import_alongside_a_read_is_over_when_the_read_is_over():
    """The import thread must never outlive its block: two threads importing at once can meet a
    half-imported module. A fresh interpreter, so GX is not imported yet; the block fails, as a
    read that runs out of memory does."""
    script = """
import sys, threading
from data_contracts import gx_suite
assert "great_expectations" not in sys.modules
try:
    with gx_suite.importing_alongside():
        assert [t.name for t in threading.enumerate() if t.name == "gx-import"] == ["gx-import"]
        raise MemoryError("the read failed")
except MemoryError:
    pass
print(sorted(t.name for t in threading.enumerate()), "great_expectations" in sys.modules)
with gx_suite.importing_alongside():
    print(sorted(t.name for t in threading.enumerate()))
"""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["['MainThread'] True", "['MainThread']"]  # imported once, then never again
