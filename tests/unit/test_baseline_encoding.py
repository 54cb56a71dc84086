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
