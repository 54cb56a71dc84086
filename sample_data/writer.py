"""Streaming CSV output: one open file per landing file, chunks buffered and written with
pyarrow (every value as text, blank for null). Nothing is held beyond one buffer per file.

A district's export is taken on a day: rows dated after it (`through`) do not exist yet, and an
end date after it is not known yet (blank: still enrolled, still running)."""
import datetime as dt
import json
import os
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from data_contracts.contract import load_contracts

# The columns of every file the generator writes, in order: its contract's columns (one source).
COLUMNS: dict[str, list[str]] = {f"{c.file}.csv": list(c.column_names) for c in load_contracts().values()}
MANIFEST = "_messy_manifest.json"
BOM = b"\xef\xbb\xbf"
FLUSH_ROWS = 250_000
# The id columns that name an organisation, a person or a record: a state's districts each prefix
# theirs (Output(namespace=...)) so that every id is unique across the state. Survey, item,
# indicator, KPI and metric ids are the state's shared vocabulary and stay as they are.
NAMESPACED = frozenset({
    "district_id", "school_id", "department_id", "staff_id", "observer_staff_id", "plc_id", "section_id",
    "student_id", "response_id", "incident_id", "walkthrough_id", "cfa_id", "activity_id", "owner_id",
    "plan_id", "goal_id", "parent_goal_id", "strategy_id", "action_id", "team_id",
})
_PLAIN = pcsv.WriteOptions(include_header=False, quoting_style="none")
_QUOTED = pcsv.WriteOptions(include_header=False, quoting_style="needed")
# file -> the date column that says when a row happened (rows after `through` are left out)
DATED = {
    "attendance_daily.csv": "calendar_date", "assessments.csv": "test_date",
    "cfa_results.csv": "administered_date", "discipline_incidents.csv": "incident_date",
    "mtss_interventions.csv": "identified_date", "section_enrollments.csv": "entry_date",
    "survey_responses.csv": "submitted_date", "walkthroughs.csv": "observed_date",
    "plc_sig_ratings.csv": "assessed_date", "professional_learning.csv": "completed_date",
    "department_kpis.csv": "period_end", "team_meetings.csv": "meeting_date",
    "course_marks.csv": "period_end_date",
}
# file -> date columns blanked when after `through` (not known yet on the day of the export)
OPEN_ENDED = {"section_enrollments.csv": ("exit_date",), "mtss_interventions.csv": ("start_date", "end_date")}


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

    def __init__(self, out_dir: str | os.PathLike, injector=None, through: dt.date | None = None,
                 namespace: str = ""):
        self.dir = Path(out_dir)
        self.injector = injector
        self.through = None if through is None else pa.scalar(through.isoformat(), type=pa.string())
        self.namespace = namespace  # prefixed to every NAMESPACED column's values
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
        table = self._as_of(name, pa.table({c: self._prefixed(c, as_text(cols[c], n)) for c in COLUMNS[name]}))
        self.buffers[name].append(table)
        self.buffered[name] += table.num_rows
        if self.buffered[name] >= FLUSH_ROWS:
            self._flush(name)

    def _as_of(self, name: str, table: pa.Table) -> pa.Table:
        """The rows known on `through`: later rows left out, later end dates blank (ISO dates
        compare as text)."""
        if self.through is None:
            return table
        if name in DATED:
            table = table.filter(pc.fill_null(pc.less_equal(table[DATED[name]], self.through), True))
        for column in OPEN_ENDED.get(name, ()):
            later = pc.fill_null(pc.greater(table[column], self.through), False)
            blank = pc.if_else(later, pa.scalar(None, pa.string()), table[column])
            table = table.set_column(table.schema.get_field_index(column), column, blank)
        return table

    def _prefixed(self, column: str, values: pa.Array) -> pa.Array:
        if not self.namespace or column not in NAMESPACED:
            return values
        return pc.binary_join_element_wise(self.namespace, values, "")  # a blank stays blank

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
