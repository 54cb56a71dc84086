"""--messy: realistic faults injected into the files as they are written, at known rates, with a
manifest of exactly how many rows got each fault ({file: {fault: rows}} in _messy_manifest.json).

Every faulty row carries exactly one fault; the rows a fault is applied to are disjoint from the
rows of every other fault, and a duplicate is a copy of an untouched row, inserted right after it.
Files other files refer to (students.csv) only get faults a loader accepts or that remove just
the faulty row (whitespace, an exact duplicate, a BOM), so no fault cascades into orphans.
Faults:
- unknown_code: a code outside the contract's list (attendance status 'absnt', action 'suspend')
- duplicate_key: an exact copy of a row (same natural key, KEYS below, and same content)
- duplicate_key_conflict: a copy with the same natural key and one other value changed
  (a loader that rejects both rows of a conflict quarantines the original too)
- impossible_date: 2026-02-30, or the month pushed past 12 (2025-22-14); unique per original date
- orphan_fk: an id that exists nowhere ('9' prefixed to the real id)
- leading_zeros_dropped: '0004213' -> '4213' (an orphan too)
- out_of_range: negative days_removed, rating 7, score > max_score, value 9 on a 5-point item ...
- whitespace: ' present ' (a loader should trim and accept it)
- bom: a UTF-8 byte-order mark at the start of the file (count 1)
"""
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sample_data.rng import stream

RATE = 0.005  # share of a file's rows per fault
BOM_FILES = ("students.csv", "survey_responses.csv")

# natural key of each file, as the duplicate_key fault (and a loader) understands it
KEYS = {
    "students.csv": ("student_id", "school_year"),
    "attendance_daily.csv": ("student_id", "calendar_date"),
    "section_enrollments.csv": ("section_id", "student_id", "entry_date"),
    "assessments.csv": ("student_id", "assessment_name", "subject", "test_date"),
    "cfa_results.csv": ("cfa_id", "student_id", "standard_code", "administered_date"),
    "discipline_incidents.csv": ("incident_id", "student_id"),
    "mtss_interventions.csv": ("student_id", "school_year", "area", "intervention_name", "identified_date"),
    "special_education.csv": ("student_id", "school_year"),
    "survey_responses.csv": ("survey_id", "response_id", "item_id"),
    "walkthroughs.csv": ("walkthrough_id", "indicator"),
    "plc_sig_ratings.csv": ("plc_id", "assessed_date", "dimension"),
    "professional_learning.csv": ("staff_id", "activity_id"),
    "team_meetings.csv": ("team", "owner_id", "meeting_date"),
}


@dataclass(frozen=True)
class Fault:
    name: str
    column: str
    values: tuple = ()  # unknown codes / conflicting values / out-of-range values to use


def unknown(column, *values):
    return Fault("unknown_code", column, values)


def duplicate(conflict_column=None, *alternatives):
    return Fault("duplicate_key", conflict_column or "", alternatives)


def bad_date(column):
    return Fault("impossible_date", column)


def orphan(column):
    return Fault("orphan_fk", column)


def zeros(column):
    return Fault("leading_zeros_dropped", column)


def out_of_range(column, *values):
    return Fault("out_of_range", column, values)


def spaces(column):
    return Fault("whitespace", column)


FAULTS: dict[str, list[Fault]] = {
    "students.csv": [duplicate(), spaces("grade_level")],
    "attendance_daily.csv": [unknown("status", "absnt", "prsent", "AWOL"),
                             duplicate("status", "present", "excused_absence", "unexcused_absence", "tardy"),
                             bad_date("calendar_date"), orphan("student_id"), zeros("student_id"),
                             spaces("status")],
    "section_enrollments.csv": [duplicate(), orphan("student_id"), zeros("student_id"), bad_date("entry_date")],
    "assessments.csv": [duplicate(), unknown("window", "summer", "Q3"), orphan("student_id"),
                        bad_date("test_date"), spaces("assessment_type")],
    "cfa_results.csv": [duplicate(), out_of_range("score"), orphan("student_id"), zeros("student_id")],
    "discipline_incidents.csv": [unknown("action", "suspend", "detention"), duplicate("days_removed", "0", "2"),
                                 out_of_range("days_removed"), orphan("student_id"), bad_date("incident_date"),
                                 spaces("action")],
    "mtss_interventions.csv": [unknown("area", "social", "ELA"), out_of_range("tier", "1", "4"), duplicate(),
                               orphan("student_id")],
    "special_education.csv": [unknown("disability_category", "LD", "dyslexia"), duplicate("disability_category",
                                                                                          "SLD", "OHI"),
                              orphan("student_id")],
    "survey_responses.csv": [out_of_range("value", "9", "0", "6"), duplicate(), spaces("value")],
    "walkthroughs.csv": [unknown("observed", "maybe", "?"), duplicate(), bad_date("observed_date")],
    "plc_sig_ratings.csv": [out_of_range("rating", "7", "0", "5"), duplicate()],
    "professional_learning.csv": [unknown("category", "required"), out_of_range("feedback_rating", "7", "0"),
                                  duplicate()],
    "team_meetings.csv": [unknown("team", "SLT"), bad_date("meeting_date"), duplicate()],
}


def impossible_date(text: str) -> str | None:
    """An impossible date made from a real one; distinct real dates give distinct results."""
    try:
        y, m, d = (int(x) for x in text.split("-"))
    except (ValueError, AttributeError):
        return None
    if m == 2 and d <= 2:
        return f"{y}-02-{29 + d}"  # 2026-02-30, 2026-02-31
    return f"{y}-{m + 12:02d}-{d:02d}"  # 2025-13-15 .. 2026-24-30


class Injector:
    def __init__(self, seed: int):
        self.seed = seed
        self.manifest: dict[str, dict[str, int]] = {}
        for name, faults in FAULTS.items():
            self.manifest[name] = {f.name: 0 for f in faults}
            if any(f.name == "duplicate_key" and f.column for f in faults):
                self.manifest[name]["duplicate_key_conflict"] = 0
        for name in BOM_FILES:
            self.manifest.setdefault(name, {})["bom"] = 1

    def wants_bom(self, name: str) -> bool:
        return name in BOM_FILES

    def apply(self, name: str, table: pa.Table, batch: int) -> pa.Table:
        faults = FAULTS.get(name)
        n = table.num_rows
        if not faults or n == 0:
            return table
        rng = stream(self.seed, "messy:" + name, batch)
        counts = rng.binomial(n, RATE, len(faults))
        total = int(min(counts.sum(), n))
        if total == 0:
            return table
        chosen = rng.choice(n, size=total, replace=False)
        edits: dict[str, dict[int, str]] = {}
        dups: list[tuple[int, str, str | None]] = []  # (source row, column, new value)
        rows = table.take(pa.array(chosen)).to_pylist()
        start = 0
        for fault, k in zip(faults, counts):
            for j in range(start, min(start + int(k), total)):
                r = int(chosen[j])
                row = rows[j]
                if fault.name == "duplicate_key":
                    column, value = self._conflict(fault, row, rng)
                    dups.append((r, column, value))
                    self.manifest[name]["duplicate_key_conflict" if column else "duplicate_key"] += 1
                    continue
                value = self._mutate(fault, row, rng)
                if value is not None:
                    edits.setdefault(fault.column, {})[r] = value
                    self.manifest[name][fault.name] += 1
            start += int(k)
        columns = dict(zip(table.column_names, table.columns))
        for col, changes in edits.items():
            columns[col] = _replace(columns[col], changes, n)
        table = pa.table(columns)
        if dups:
            dups.sort()
            src = np.array([d[0] for d in dups])
            table = table.take(pa.array(np.insert(np.arange(n), src + 1, src)))
            conflicts: dict[str, dict[int, str]] = {}
            for j, (r, col, value) in enumerate(dups):
                if col:
                    conflicts.setdefault(col, {})[r + 1 + j] = value
            columns = dict(zip(table.column_names, table.columns))
            for col, changes in conflicts.items():
                columns[col] = _replace(columns[col], changes, table.num_rows)
            table = pa.table(columns)
        return table

    @staticmethod
    def _conflict(fault: Fault, row: dict, rng) -> tuple[str, str | None]:
        """(column, value) to make a conflicting copy, or ('', None) for an exact copy."""
        if not fault.column or rng.random() < 0.5:
            return "", None
        options = [v for v in fault.values if v != row[fault.column]]
        if not options:
            return "", None
        return fault.column, options[int(rng.integers(0, len(options)))]

    @staticmethod
    def _mutate(fault: Fault, row: dict, rng) -> str | None:
        v = row[fault.column]
        if fault.name == "unknown_code":
            return fault.values[int(rng.integers(0, len(fault.values)))]
        if fault.name == "impossible_date":
            return impossible_date(v)
        if fault.name == "orphan_fk":
            return None if not v else "9" + v
        if fault.name == "leading_zeros_dropped":
            stripped = (v or "").lstrip("0")
            return stripped if stripped and stripped != v else None
        if fault.name == "whitespace":
            return None if not v else f" {v} "
        if fault.name == "out_of_range":
            if fault.values:
                options = [x for x in fault.values if x != v]
                return options[int(rng.integers(0, len(options)))]
            if fault.column == "score":
                return str(int(float(row["max_score"])) + int(rng.integers(1, 4)))
            if fault.column == "days_removed":
                return f"-{max(1, int(float(v or 0)))}"
        raise ValueError(f"unhandled fault {fault}")


def _replace(column, changes: dict[int, str], n: int) -> pa.Array:
    arr = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    mask = np.zeros(n, dtype=bool)
    idx = np.array(sorted(changes))
    mask[idx] = True
    return pc.replace_with_mask(arr, pa.array(mask), pa.array([changes[i] for i in idx], type=pa.string()))
