"""A small, hand-built landing folder whose every row is known, for load tests.

The clean district: one district, two schools, six students in 2026, a week of attendance.
Tests copy it and break it in known ways.
"""
from __future__ import annotations

import csv
from pathlib import Path

CLEAN = {
    "districts.csv": [["district_id", "district_name"], ["D1", "Demo District"]],
    "schools.csv": [
        ["school_id", "school_name", "district_id", "school_level"],
        ["S1", "North Elementary", "D1", "elementary"],
        ["S2", "South Middle", "D1", "middle"],
    ],
    "students.csv": [
        ["student_id", "school_id", "school_year", "grade_level", "sex", "hispanic_latino", "races",
         "english_learner", "idea_disability", "economically_disadvantaged"],
        ["00101", "S1", "2026", "03", "F", "Y", "white", "N", "N", "Y"],
        ["00102", "S1", "2026", "03", "M", "N", "black|white", "N", "Y", "N"],
        ["00103", "S1", "2026", "04", "F", "N", "asian", "Y", "N", "N"],
        ["00104", "S2", "2026", "07", "M", "N", "black", "N", "N", "Y"],
        ["00105", "S2", "2026", "07", "F", "N", "", "N", "N", "N"],
        ["00106", "S2", "2026", "08", "X", "N", "white", "N", "Y", "Y"],
    ],
    "attendance_daily.csv": [["student_id", "school_id", "calendar_date", "status"]]
    + [
        [sid, school, f"2025-09-{day:02d}", "present" if (int(sid) + day) % 5 else "excused_absence"]
        for sid, school in [("00101", "S1"), ("00102", "S1"), ("00103", "S1"),
                            ("00104", "S2"), ("00105", "S2"), ("00106", "S2")]
        for day in (2, 3, 4, 5, 8)
    ],
}


def write_csv(path: Path, rows: list[list[str]], bom: bool = False) -> None:
    with path.open("w", newline="", encoding="utf-8-sig" if bom else "utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def write_landing(folder: Path, files: dict[str, list[list[str]]] | None = None) -> Path:
    """Write the clean district (or the given files) into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (files or CLEAN).items():
        write_csv(folder / name, rows)
    return folder
