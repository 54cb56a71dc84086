"""The row-count baseline (symmetric, per school year, with a floor) and encoding detection."""
import dataclasses

import pytest

from assets.ingest.baseline import WHOLE_FILE, Change, largest_change
from assets.ingest.encoding import EncodingError, _transcode, detect
from data_contracts.contract import load_contracts

ATTENDANCE = dataclasses.replace(load_contracts()["attendance_daily"], max_row_change=0.5, row_change_floor=10)


def test_the_measure_is_symmetric_so_a_drop_and_its_recovery_are_judged_alike():
    assert Change("2026", 100, 200).ratio == Change("2026", 200, 100).ratio == 2.0
    assert Change(WHOLE_FILE, 0, 40).ratio == 40.0  # from nothing: as from 1 row


@pytest.mark.parametrize(
    "current, baseline, expected",
    [
        ({"2026": 30}, None, None),  # first load: nothing to compare
        ({"2026": 40}, {"2026": 30}, None),  # 10 rows more: within the floor
        ({"2026": 20}, {"2026": 31}, Change("2026", 20, 31)),  # 11 fewer, 1.55x: reported
        ({"2027": 6}, {"2026": 30}, None),  # rollover: no year in common
        ({"2026": 30, "2027": 90}, {"2026": 30, "2027": 20}, Change("2027", 90, 20)),
        ({"2026": 30, "2027": 5}, {"2025": 300, "2026": 30}, None),  # a year no longer exported
        ({WHOLE_FILE: 2}, {WHOLE_FILE: 1}, None),  # 1 department becomes 2
        ({"2026": 100}, {WHOLE_FILE: 30}, Change(WHOLE_FILE, 100, 30)),  # a baseline from before years
    ],
)
def test_largest_change_compares_the_years_both_loads_have_beyond_the_floor(current, baseline, expected):
    assert largest_change(ATTENDANCE, current, baseline) == expected


def test_a_change_within_the_bound_is_reported_but_passes_the_suite():
    # 100 -> 140 is 1.4x: beyond the floor, so reported, within 1.5x so the GX suite passes
    change = largest_change(ATTENDANCE, {"2026": 140}, {"2026": 100})
    assert change.ratio == pytest.approx(1.4)


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"school_id,school_name\nS1,North\n", "utf-8"),
        ("school_id,school_name\nS1,Élémentaire Nord\n".encode("utf-8"), "utf-8"),
        ("school_id,school_name\nS1,Élémentaire Nord\n".encode("utf-8-sig"), "utf-8-sig"),
        ("school_id,school_name\nS1,Élémentaire Nord\nS2,École Sud\n".encode("cp1252"), "cp1252"),
        # a multi-byte character cut at the end of the sample is still UTF-8
        ("S1,Élé".encode("utf-8")[:-1], "utf-8"),
    ],
)
def test_detect(data, expected):
    assert detect(data) == expected


def test_transcoding_keeps_lines_and_names_the_line_of_an_undecodable_byte(tmp_path):
    source = tmp_path / "schools.csv"
    source.write_bytes("a,b\r\nS1,Élé\r\n".encode("cp1252"))
    target = tmp_path / "out.csv"
    _transcode(source, target, "cp1252")
    assert target.read_bytes() == "a,b\r\nS1,Élé\r\n".encode("utf-8")
    source.write_bytes(b"a,b\nS1,x\nS2,\x81\n")  # 0x81 is not a Windows-1252 character
    with pytest.raises(EncodingError, match=r"^schools.csv: line 3: not cp1252 text \(byte 0x81\)$"):
        _transcode(source, target, "cp1252")


def test_the_quality_report_records_an_applied_acceptance_and_the_baseline_it_leaves():
    import duckdb

    from assets.ingest.baseline import last_accepted, pending_acceptance, record_acceptance
    from assets.ingest.quality_report import ensure_tables, record_run

    con = duckdb.connect()
    con.execute("CREATE SCHEMA mart")
    ensure_tables(con)
    record_acceptance(con, "attendance_daily", "one week only", "ana")
    assert pending_acceptance(con, "attendance_daily") == ("ana", "one week only")
    contracts = {name: c for name, c in load_contracts().items() if name == "attendance_daily"}
    outcome = {
        "status": "loaded", "rows_read": 11, "rows_loaded": 10, "rows_quarantined": 1, "reasons": {"missing:date": 1},
        "message": None, "source_file": "attendance_daily.csv", "source_sha256": "ab", "source_mtime": None,
        "latest_value": None, "checks": [{"expectation": "e", "column": None, "success": True, "observed": None}],
        "encoding": "cp1252", "rows_by_year": {"2026": 10}, "accepted_by": "ana", "accept_reason": "one week only",
    }
    record_run(con, "run-1", contracts, {"attendance_daily": outcome})
    assert con.execute(
        "SELECT status, encoding, accepted_by, accept_reason FROM mart.data_quality WHERE run_id = 'run-1'"
    ).fetchall() == [("loaded", "cp1252", "ana", "one week only")]
    assert con.execute("SELECT file, applied_run_id FROM mart.acceptances").fetchall() == [("attendance_daily", "run-1")]
    assert pending_acceptance(con, "attendance_daily") is None
    assert last_accepted(con, "attendance_daily") == {"2026": 10}  # the accepted load is the baseline now

    # a rejected load does not use up an acceptance, nor become the baseline
    record_acceptance(con, "attendance_daily", None, "ana")
    record_run(con, "run-2", contracts, {"attendance_daily": dict(outcome, status="rejected", rows_loaded=0,
                                                                   accepted_by=None, accept_reason=None)})
    assert pending_acceptance(con, "attendance_daily") == ("ana", None)
    assert last_accepted(con, "attendance_daily") == {"2026": 10}
