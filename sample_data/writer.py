"""Streaming CSV output: one open file per landing file, chunks buffered and written with
pyarrow (every value as text, blank for null). Nothing is held beyond one buffer per file."""
import json
import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

# the columns of every file the generator writes (the contract's required columns, in order)
COLUMNS: dict[str, list[str]] = {
    "districts.csv": ["district_id", "district_name"],
    "schools.csv": ["school_id", "school_name", "district_id", "school_level"],
    "departments.csv": ["department_id", "department_name", "district_id"],
    "staff.csv": ["staff_id", "staff_name", "role", "school_id", "department_id"],
    "plcs.csv": ["plc_id", "plc_name", "school_id", "focus"],
    "sections.csv": ["section_id", "school_id", "staff_id", "plc_id", "school_year", "course_name", "subject",
                     "grade_level"],
    "section_enrollments.csv": ["section_id", "student_id", "entry_date", "exit_date"],
    "students.csv": ["student_id", "school_id", "school_year", "grade_level", "sex", "hispanic_latino", "races",
                     "english_learner", "idea_disability", "economically_disadvantaged"],
    "attendance_daily.csv": ["student_id", "school_id", "calendar_date", "status"],
    "assessments.csv": ["student_id", "school_id", "school_year", "assessment_name", "assessment_type", "subject",
                        "window", "test_date", "scale_score", "performance_level", "proficient"],
    "cfa_results.csv": ["cfa_id", "cfa_title", "plc_id", "section_id", "student_id", "standard_code",
                        "administered_date", "score", "max_score", "proficiency_cut"],
    "discipline_incidents.csv": ["incident_id", "student_id", "school_id", "incident_date", "behavior", "action",
                                 "days_removed"],
    "mtss_interventions.csv": ["student_id", "school_id", "school_year", "area", "tier", "identified_date",
                               "intervention_name", "start_date", "end_date"],
    "special_education.csv": ["student_id", "school_year", "disability_category", "educational_environment"],
    "survey_items.csv": ["survey_id", "survey_name", "respondent_type", "item_id", "item_text", "construct",
                         "scale_points", "favorable_min", "reverse_coded"],
    "survey_responses.csv": ["survey_id", "response_id", "school_id", "respondent_type", "grade_level", "item_id",
                             "value", "submitted_date"],
    "survey_invitations.csv": ["survey_id", "school_id", "respondent_type", "invited"],
    "walkthroughs.csv": ["walkthrough_id", "school_id", "section_id", "observer_staff_id", "observed_date",
                         "indicator", "observed"],
    "walkthrough_indicators.csv": ["indicator", "label", "focus_area"],
    "plc_sig_ratings.csv": ["plc_id", "school_id", "assessed_date", "dimension", "rating"],
    "professional_learning.csv": ["staff_id", "activity_id", "title", "category", "hours", "completed_date",
                                  "feedback_rating"],
    "department_kpis.csv": ["department_id", "kpi_id", "kpi_name", "period_end", "value", "target", "direction"],
    "team_meetings.csv": ["team", "owner_id", "meeting_date", "metrics_reviewed"],
    "state_counts.csv": ["school_year", "category", "group", "count", "population"],
    "plans.csv": ["plan_id", "level", "owner_id", "title", "start_year", "end_year"],
    "plan_goals.csv": ["goal_id", "plan_id", "parent_goal_id", "kind", "title", "metric_id", "student_group",
                       "baseline_value", "baseline_date", "target_value", "target_date"],
    "plan_strategies.csv": ["strategy_id", "goal_id", "if_we", "then_adults", "and_students", "evidence_metric_ids"],
    "action_steps.csv": ["action_id", "goal_id", "strategy_id", "step_number", "description", "owner", "start_date",
                         "due_date", "completed_date", "status"],
    "plan_schedule.csv": ["plan_id", "stage", "task", "responsibility", "expected_date", "completed_date"],
    "roadmap_reviews.csv": ["plan_id", "phase", "review_date", "done", "stakeholders_engaged", "still_to_do",
                            "by_when", "responsible"],
}
MANIFEST = "_messy_manifest.json"
BOM = b"\xef\xbb\xbf"
FLUSH_ROWS = 250_000
_PLAIN = pcsv.WriteOptions(include_header=False, quoting_style="none")
_QUOTED = pcsv.WriteOptions(include_header=False, quoting_style="needed")


def as_text(value, n: int) -> pa.Array:
    """A column value (arrow array, numpy array, list, scalar or None) as an arrow string array."""
    if isinstance(value, pa.ChunkedArray):
        value = value.combine_chunks()
    if isinstance(value, pa.Array):
        if pa.types.is_dictionary(value.type):
            value = value.dictionary_decode()
        return value if value.type == pa.string() else value.cast(pa.string())
    if value is None or isinstance(value, (str, int, float, np.integer, np.floating)):
        scalar = pa.scalar(None if value is None else str(value), type=pa.string())
        return pa.repeat(scalar, n)
    arr = np.asarray(value) if not isinstance(value, list) else value
    if isinstance(arr, np.ndarray) and arr.dtype.kind in "iub":
        return pa.array(arr).cast(pa.string())
    if isinstance(arr, np.ndarray) and arr.dtype.kind == "f":
        return pa.array(arr).cast(pa.string())
    if isinstance(arr, np.ndarray) and arr.dtype.kind == "U":
        arr = arr.astype(object)
    return pa.array(arr, type=pa.string())


def _length(cols: dict) -> int:
    for v in cols.values():
        if isinstance(v, (pa.Array, pa.ChunkedArray, np.ndarray, list)):
            return len(v)
    return 1


class Output:
    """Writes the landing files of one run into a folder."""

    def __init__(self, out_dir: str | os.PathLike, injector=None):
        self.dir = Path(out_dir)
        self.injector = injector
        self.files: dict[str, object] = {}
        self.buffers: dict[str, list[pa.Table]] = {}
        self.buffered: dict[str, int] = {}
        self.batches: dict[str, int] = {}
        self.rows: dict[str, int] = {}

    def _open(self, name: str):
        f = open(self.dir / name, "wb")
        if self.injector is not None and self.injector.wants_bom(name):
            f.write(BOM)
        f.write((",".join(COLUMNS[name]) + "\n").encode())
        self.files[name] = f
        self.buffers[name], self.buffered[name], self.batches[name], self.rows[name] = [], 0, 0, 0
        return f

    def write(self, name: str, cols: dict) -> None:
        """Append rows; cols maps every column of the file to its values (scalars broadcast)."""
        if name not in self.files:
            self._open(name)
        n = _length(cols)
        if n == 0:
            return
        missing = set(COLUMNS[name]) - set(cols)
        if missing:
            raise ValueError(f"{name}: missing columns {sorted(missing)}")
        table = pa.table({c: as_text(cols[c], n) for c in COLUMNS[name]})
        self.buffers[name].append(table)
        self.buffered[name] += n
        if self.buffered[name] >= FLUSH_ROWS:
            self._flush(name)

    def _flush(self, name: str) -> None:
        if not self.buffers[name]:
            return
        table = pa.concat_tables(self.buffers[name]) if len(self.buffers[name]) > 1 else self.buffers[name][0]
        self.buffers[name], self.buffered[name] = [], 0
        if self.injector is not None:
            table = self.injector.apply(name, table, self.batches[name])
        self.batches[name] += 1
        self.rows[name] += table.num_rows
        sink = pa.BufferOutputStream()
        try:
            pcsv.write_csv(table, sink, write_options=_PLAIN)
        except pa.ArrowInvalid:  # a value with a comma, quote or newline: quote all text (RFC 4180)
            sink = pa.BufferOutputStream()
            pcsv.write_csv(table, sink, write_options=_QUOTED)
        self.files[name].write(sink.getvalue())  # a pyarrow Buffer: no copy

    def close(self, name: str) -> tuple[int, int]:
        """Finish one file; returns (rows, bytes)."""
        if name not in self.files:
            self._open(name)
        self._flush(name)
        f = self.files.pop(name)
        size = f.tell()
        f.close()
        return self.rows[name], size

    def count(self, name: str) -> int:
        """Rows written or buffered so far for a file."""
        return self.rows.get(name, 0) + self.buffered.get(name, 0)

    def write_manifest(self, manifest: dict) -> None:
        with open(self.dir / MANIFEST, "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=1, sort_keys=True)
            f.write("\n")
