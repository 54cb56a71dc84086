"""Each contract rule, compiled to SQL, on hand-made rows: which rows load, which are quarantined
and with exactly which reasons."""
from __future__ import annotations

import unicodedata

import duckdb
import pytest

from assets.ingest.landing import ReadResult, WorkTables
from assets.ingest.split import keep_valid_rows, split_rows
from data_contracts.contract import Column, Contract, ForeignKey, Rule
from data_contracts.row_rules import column_reasons, quote
from assets.warehouse import SETUP_SQL


@pytest.fixture
def con():
    con = duckdb.connect()
    for schema in ("raw", "quarantine", "staging", "ingest_work"):
        con.execute(f"CREATE SCHEMA {schema}")
    con.execute(SETUP_SQL)
    yield con
    con.close()


def run(con, contract: Contract, header: list[str], rows: list[list[str | None]]):
    """Put rows (all text) in a landing table, split them, type the valid ones as promotion does,
    and return (valid rows, {line: reasons})."""
    work = WorkTables("t")
    columns = ", ".join(f"{quote(h)} VARCHAR" for h in header)
    con.execute(f"CREATE OR REPLACE TABLE {work.landing} ({columns})")
    for row in rows:
        con.execute(f"INSERT INTO {work.landing} VALUES ({', '.join('?' for _ in row)})", row)
    con.execute(f"CREATE OR REPLACE VIEW {work.lines} AS SELECT rowid AS _row, rowid + 2 AS _line, * FROM {work.landing}")
    con.execute(f"CREATE OR REPLACE TABLE {work.rejects} (_line BIGINT, error_type VARCHAR, raw_line VARCHAR)")
    extra = [h for h in header if h not in contract.column_names]
    result = split_rows(con, contract, ReadResult(work.lines, work.rejects, header, extra))
    keep_valid_rows(con, contract)
    valid = con.execute(f"SELECT * FROM {work.landing}").fetchall()
    quarantined = dict(con.execute('SELECT line_number, reasons FROM quarantine."t__candidate"').fetchall())
    assert result.rows_read == result.rows_loaded + result.rows_quarantined == len(rows)
    assert result.rows_loaded == len(valid)
    return valid, quarantined


def contract(*columns: Column, **kwargs) -> Contract:
    return Contract(file="t", description="", columns=columns, key=kwargs.pop("key", ()), **kwargs)


def test_required_value_blank_or_spaces_is_missing(con):
    c = contract(Column("id", "id", required=True), Column("note", "text"))
    valid, bad = run(con, c, ["id", "note"], [["a", None], [None, "x"], ["   ", "y"]])
    assert valid == [("a", None)]
    assert bad == {3: ["missing:id"], 4: ["missing:id"]}


def test_ids_are_trimmed_text_and_keep_leading_zeros(con):
    c = contract(Column("id", "id", required=True))
    valid, bad = run(con, c, ["id"], [[" 00123 "], ["123"]])
    assert sorted(valid) == [("00123",), ("123",)]
    assert bad == {}


def test_text_is_trimmed_and_blank_text_is_null(con):
    c = contract(Column("id", "id", required=True), Column("note", "text"))
    valid, bad = run(con, c, ["id", "note"], [["1", "  "], ["2", ""], ["3", " a b "], ["4", "c"], ["5", None]])
    assert sorted(valid) == [("1", None), ("2", None), ("3", "a b"), ("4", "c"), ("5", None)]
    assert bad == {}


def test_types_reject_what_does_not_parse(con):
    c = contract(Column("n", "integer"), Column("x", "number"), Column("d", "date"), Column("b", "boolean"))
    rows = [
        ["7", "2.5", "2026-02-28", "Y"],
        ["7.5", "abc", "2026-02-30", "maybe"],  # every value wrong
        ["", "", "", ""],  # blank is unknown, not wrong
        ["-3", "1e3", "2025-13-01", "no"],
        ["1", "inf", "02/03/2026", "TRUE"],
    ]
    valid, bad = run(con, c, ["n", "x", "d", "b"], rows)
    assert bad == {
        3: ["invalid_integer:n", "invalid_number:x", "invalid_date:d", "invalid_boolean:b"],
        5: ["invalid_date:d"],
        6: ["invalid_number:x", "invalid_date:d"],
    }
    import datetime

    assert (7, 2.5, datetime.date(2026, 2, 28), True) in valid
    assert (None, None, None, None) in valid


@pytest.mark.parametrize("word, expected", [("y", True), ("Yes", True), ("1", True), ("true", True),
                                             ("N", False), ("no", False), ("0", False), ("FALSE", False)])
def test_boolean_words(con, word, expected):
    valid, bad = run(con, contract(Column("b", "boolean")), ["b"], [[word]])
    assert valid == [(expected,)] and bad == {}


def test_codes_must_be_allowed_exactly(con):
    c = contract(Column("status", "code", allowed=("present", "tardy")))
    valid, bad = run(con, c, ["status"], [["present"], [" tardy "], ["Present"], ["absnt"]])
    assert sorted(valid) == [("present",), ("tardy",)]
    assert bad == {4: ["unknown_code:status"], 5: ["unknown_code:status"]}


def test_ranges_and_exclusive_minimum(con):
    c = contract(Column("rating", "integer", min=1, max=4), Column("max_score", "number", min=0, min_exclusive=True))
    valid, bad = run(con, c, ["rating", "max_score"], [["1", "10"], ["4", "0.5"], ["0", "0"], ["5", "-1"]])
    assert len(valid) == 2
    assert bad == {4: ["out_of_range:rating", "out_of_range:max_score"], 5: ["out_of_range:rating", "out_of_range:max_score"]}


def test_school_year_must_be_plausible(con):
    c = contract(Column("school_year", "school_year", required=True))
    valid, bad = run(con, c, ["school_year"], [["2026"], ["26"], ["2025-26"]])
    assert valid == [(2026,)]
    assert bad == {3: ["out_of_range:school_year"], 4: ["invalid_school_year:school_year"]}


def test_cross_field_rule_and_unknown_inputs(con):
    c = contract(
        Column("entry_date", "date", required=True),
        Column("exit_date", "date"),
        rules=(Rule("exit_before_entry", "exit_date IS NULL OR exit_date >= entry_date"),),
    )
    rows = [["2025-09-01", "2025-09-01"], ["2025-09-01", ""], ["2025-09-02", "2025-09-01"], ["", "2025-09-01"]]
    valid, bad = run(con, c, ["entry_date", "exit_date"], rows)
    assert len(valid) == 2  # same day, and still enrolled
    # line 4 breaks the rule; line 5 has no entry date: missing, and the rule cannot judge it
    assert bad == {4: ["rule:exit_before_entry"], 5: ["missing:entry_date"]}


def test_derived_school_year_and_composite_foreign_key(con):
    con.execute("CREATE TABLE staging.students AS SELECT * FROM (VALUES ('001', 2026)) AS t(student_id, school_year)")
    c = contract(
        Column("student_id", "id", required=True),
        Column("calendar_date", "date", required=True),
        derived={"school_year": "school_year_of(calendar_date)"},
        foreign_keys=(ForeignKey(("student_id", "school_year"), "students"),),
    )
    rows = [["001", "2025-07-01"], ["001", "2026-06-30"], ["001", "2025-06-30"], ["1", "2025-09-01"]]
    valid, bad = run(con, c, ["student_id", "calendar_date"], rows)
    assert sorted(r[2] for r in valid) == [2026, 2026]  # July 1 starts school year 2026; June 30 ends it
    assert bad == {4: ["orphan:students"], 5: ["orphan:students"]}  # 2025's school year; '1' is not '001'


def test_conflicting_copies_all_quarantined_exact_copies_keep_the_first(con):
    c = contract(Column("id", "id", required=True), Column("v", "integer"), key=("id",))
    rows = [["a", "1"], ["b", "2"], ["a", "9"], ["b", "2"], ["b", " 2 "], ["c", "3"]]
    valid, bad = run(con, c, ["id", "v"], rows)
    assert sorted(valid) == [("b", 2), ("c", 3)]
    assert bad == {2: ["duplicate_key"], 4: ["duplicate_key"], 5: ["duplicate_row"], 6: ["duplicate_row"]}


def test_row_with_a_bad_value_does_not_make_its_twin_a_duplicate(con):
    c = contract(Column("id", "id", required=True), Column("v", "integer"), key=("id",))
    valid, bad = run(con, c, ["id", "v"], [["a", "1"], ["a", "x"]])
    assert valid == [("a", 1)]
    assert bad == {3: ["invalid_integer:v"]}


def test_extra_columns_are_kept_as_text(con):
    c = contract(Column("id", "id", required=True))
    valid, bad = run(con, c, ["id", "local_code"], [["a", " 07 "]])
    assert valid == [("a", " 07 ")]


def test_duplicate_search_leaves_duckdb_threads_as_they_were(con):
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    c = contract(Column("id", "id", required=True), key=("id",))
    valid, bad = run(con, c, ["id"], [["a"], ["a"], ["b"]])
    assert valid == [("a",), ("b",)] and bad == {3: ["duplicate_row"]}
    assert con.execute("SELECT current_setting('threads')").fetchone()[0] == threads


def test_text_longer_than_its_kinds_limit_is_too_long_and_one_character_less_loads(con):
    c = contract(Column("id", "id", required=True), Column("name", "name"), Column("note", "text", max_length=10))
    valid, quarantined = run(con, c, ["id", "name", "note"], [
        ["a" * 64, "n" * 200, "t" * 10],  # line 2: every value at its limit (id 64, name 200, note 10)
        ["b" * 65, "n", "t"],             # line 3: an id of 65 characters
        ["c", "n" * 201, "t" * 11],       # line 4: a name of 201, a note of 11 (its contract's max_length)
        ["  d  ", "n", "t"],              # line 5: surrounding spaces are trimmed before measuring
    ])
    assert sorted(v[0] for v in valid) == ["a" * 64, "d"]
    assert quarantined == {3: ["too_long:id"], 4: ["too_long:name", "too_long:note"]}


def test_a_line_break_tab_or_control_character_in_an_id_code_or_name_quarantines_it_but_not_in_free_text(con):
    c = contract(Column("id", "id"), Column("kind", "code"), Column("name", "name"), Column("note", "text"),
                 Column("fixed", "code", allowed=("x",)))
    valid, quarantined = run(con, c, ["id", "kind", "name", "note", "fixed"], [
        ["a", "k", "n", "two\nlines", "x"],     # line 2: free text may break lines
        ["b\tc", "k", "n", "t", "x"],            # line 3: a tab in an id
        ["d", "k\r", "n", "t", "x"],             # line 4: a carriage return in a code
        ["e", "k", "Nord\x85Est", "t", "x"],     # line 5: a C1 control (NEL) in a name
        ["f", "k", "n", "t", "x\n"],             # line 6: a listed code's own reason says it
        ["g", "k", "Élémentaire", "t", "x"],     # line 7: accents are not control characters
    ])
    assert sorted(v[0] for v in valid) == ["a", "g"]
    assert quarantined == {3: ["control_character:id"], 4: ["control_character:kind"],
                           5: ["control_character:name"], 6: ["unknown_code:fixed"]}


def test_the_control_character_rule_refuses_exactly_the_code_points_unicode_calls_controls():
    # Unicode category Cc: U+0000-U+001F and U+007F-U+009F, 65 code points. Every code point
    # (surrogates aside: UTF-8 cannot hold them) is tried inside an id; only those are refused.
    controls = {cp for cp in range(0x110000) if unicodedata.category(chr(cp)) == "Cc"}
    assert len(controls) == 65
    con = duckdb.connect()
    con.execute("CREATE TABLE candidate AS SELECT i AS cp, 'a' || chr(i::INTEGER) || 'b' AS id "
                "FROM range(0, 1114112) AS t(i) WHERE i NOT BETWEEN 55296 AND 57343")
    (rule,) = [r for r in column_reasons(Column("id", "id")) if "control_character" in r]
    refused = {cp for (cp,) in con.execute(f"SELECT cp FROM candidate WHERE ({rule}) IS NOT NULL").fetchall()}
    assert refused == controls
