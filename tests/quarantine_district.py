"""A hand-built district with bad rows at known lines, loaded by `alignboard load`: what the
data-quality page's quarantined rows are tested on (unit, security and browser tests).

Districts D1 (schools S1 and S2) and D2 (school S3, no students). Students of 2025-26: 00101,
00102, 00103 at S1; 00104, 00105, 00106 at S2 (tests/integration/landing_builder.py's clean
district). Classroom C1 (S1) holds 00101 and 00102; C2 (S2) holds 00104.

Quarantined rows, by the line in the file as received (the header is line 1), and who may read
each by the rule of docs/access.md (every place a row names in the scope, its student seen in the
scope in the row's school year; the rest only by a viewer of the whole warehouse, `district`):

attendance_daily.csv: lines 2-31 the 30 clean rows (6 students x 5 days), then
  32  00101,S1,2025-09-09,sick        unknown_code:status          S1, D1
  33  00104,S2,2025-09-09,sick        unknown_code:status          S2, D1
  34  00104,S1,2025-09-10,sick        unknown_code:status          D1 (S1 named, but 00104 is S2's)
  35  00101,S9,2025-09-10,present     orphan:schools               whole warehouse only (S9 unknown)
  36  00105,S2,2025-13-40,present     invalid_date:calendar_date   whole only (no school year)
  37  00106,S2,2025-09-11,present,x   malformed_row:too_many_columns  whole only (no columns)
special_education.csv:
  2   00102,2026,SLD,rc80             loaded
  3   00104,2026,XYZ,rc80             unknown_code:disability_category  S2, D1
  4   00101,abcd,SLD,rc80             invalid_school_year:school_year   whole only
  5   00101,2026,QQQ,rc80             unknown_code:disability_category  S1, C1, D1
  6   00103,2025,SLD,rc80             orphan:students   whole only (00103 is not a student of 2024-25)
students.csv:
  8   00107,S1,2026,13,...            unknown_code:grade_level     whole only (00107 has no loaded row)
"""
from __future__ import annotations

import copy
from pathlib import Path

from tests.integration.landing_builder import CLEAN, write_landing

SPECIAL_EDUCATION = [["student_id", "school_year", "disability_category", "educational_environment"],
                     ["00102", "2026", "SLD", "rc80"], ["00104", "2026", "XYZ", "rc80"],
                     ["00101", "abcd", "SLD", "rc80"], ["00101", "2026", "QQQ", "rc80"],
                     ["00103", "2025", "SLD", "rc80"]]
BAD_ATTENDANCE = [["00101", "S1", "2025-09-09", "sick"], ["00104", "S2", "2025-09-09", "sick"],
                  ["00104", "S1", "2025-09-10", "sick"], ["00101", "S9", "2025-09-10", "present"],
                  ["00105", "S2", "2025-13-40", "present"]]
MALFORMED = "00106,S2,2025-09-11,present,x\n"


def landing_files() -> dict[str, list[list[str]]]:
    files = copy.deepcopy(CLEAN)
    files["districts.csv"].append(["D2", "Other District"])
    files["schools.csv"].append(["S3", "East High", "D2", "high"])
    files["students.csv"].append(["00107", "S1", "2026", "13", "F", "N", "white", "N", "N", "N"])
    files["attendance_daily.csv"] += BAD_ATTENDANCE
    files["sections.csv"] = [
        ["section_id", "school_id", "staff_id", "plc_id", "school_year", "course_name", "subject", "grade_level"],
        ["C1", "S1", "", "", "2026", "Grade 3 Reading", "ela", "03"],
        ["C2", "S2", "", "", "2026", "Grade 7 Math", "math", "07"]]
    files["section_enrollments.csv"] = [["section_id", "student_id", "entry_date", "exit_date"],
                                        ["C1", "00101", "2025-08-20", ""], ["C1", "00102", "2025-08-20", ""],
                                        ["C2", "00104", "2025-08-20", ""]]
    files["special_education.csv"] = SPECIAL_EDUCATION
    return files


def build_quarantine_warehouse(folder: Path) -> Path:
    """Write the landing folder into `folder`, load it, and return the warehouse."""
    from pipelines.cli import main

    landing = write_landing(folder / "landing", landing_files())
    with (landing / "attendance_daily.csv").open("a", encoding="utf-8") as handle:
        handle.write(MALFORMED)
    warehouse = folder / "warehouse.duckdb"
    assert main(["load", "--landing", str(landing), "--warehouse", str(warehouse)]) == 0
    return warehouse
