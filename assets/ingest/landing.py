"""Find a landing file and read it, as text, into its raw candidate table with line numbers.

Nothing here judges the values: every cell is read as VARCHAR so that no row is lost to a type
error; row_rules.py decides what is valid. A file that cannot be read at all raises
UnreadableFile with a one-line reason naming the file (and the line or column when known).
"""
from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from assets.ingest.encoding import EncodingError, utf8_source
from data_contracts.contract import Contract
from data_contracts.row_rules import literal, quote
from data_contracts.vocabulary import PLAN_FILES


WORKBOOK = "plans.xlsx"  # the plan files may come as one spreadsheet, a sheet per file


class UnreadableFile(Exception):
    """The whole file is rejected; str(exc) is the one-line reason."""


@dataclass(frozen=True)
class LandingFile:
    name: str  # contract name, e.g. "students"
    path: Path
    mtime: datetime  # of the file dropped in the folder (for a sheet: of its workbook)
    size: int  # bytes, of the same file: with mtime, tells a reload the file was not touched
    error: str | None = None  # why the file cannot be read at all (a broken workbook)

    @property
    def is_parquet(self) -> bool:
        return self.path.suffix == ".parquet"


@dataclass(frozen=True)
class ReadResult:
    lines_view: str  # a view with `_row`, `_line` and every header column, all VARCHAR
    rejects_table: str  # lines that could not be parsed: _line, error_type, raw_line
    header: list[str]
    extra_columns: list[str]
    encoding: str | None = None  # the text encoding read (None for Parquet)


def locate(landing_dir: Path, name: str) -> LandingFile | None:
    """The file for a contract: `<name>.csv`, else `<name>.parquet`, else (a plan file) the sheet
    `<name>` of the workbook plans.xlsx; None when there is none."""
    for suffix in (".csv", ".parquet"):
        path = landing_dir / f"{name}{suffix}"
        if path.is_file():
            return LandingFile(name, path, *_stat(path))
    workbook = landing_dir / WORKBOOK
    if name in PLAN_FILES and workbook.is_file():
        from assets.ingest.workbook import WorkbookError, sheet_as_csv  # openpyxl only when needed

        try:
            path = sheet_as_csv(workbook, name)
        except WorkbookError as exc:  # every plan file is rejected with the workbook's reason
            return LandingFile(name, workbook, *_stat(workbook), error=str(exc))
        if path is not None:
            return LandingFile(name, path, *_stat(workbook))
    return None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _stat(path: Path) -> tuple[datetime, int]:
    stat = path.stat()
    return datetime.fromtimestamp(stat.st_mtime, tz=timezone.utc), stat.st_size


def read_csv_header(path: Path) -> list[str]:
    """The header row, BOM tolerated; rejects empty, binary and non-UTF-8 files."""
    with path.open("rb") as handle:
        first = handle.readline(1 << 20)
    if not first.strip():
        raise UnreadableFile(f"{path.name}: empty file, no header row")
    if b"\x00" in first:
        raise UnreadableFile(f"{path.name}: line 1: not a CSV text file (binary content)")
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"{path.name}: line 1: not UTF-8 text (byte {exc.start})") from None
    header = [h.strip() for h in next(csv.reader(io.StringIO(text)))]
    return header


def check_header(file_name: str, header: list[str], contract: Contract) -> list[str]:
    """The extra columns (kept as text); rejects missing, blank or repeated column names."""
    if any(not h for h in header):
        position = header.index("") + 1
        raise UnreadableFile(f"{file_name}: line 1, column {position}: blank column name in header")
    repeated = sorted({h for h in header if header.count(h) > 1})
    if repeated:
        raise UnreadableFile(f"{file_name}: line 1: column {repeated[0]} appears more than once in header")
    missing = [c for c in contract.required_column_names if c not in header]
    if missing:
        raise UnreadableFile(
            f"{file_name}: line 1: missing required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (found: {', '.join(header[:12])})"
        )
    return [h for h in header if h not in contract.column_names]


def candidate_table(schema: str, file: str) -> str:
    """The table a load builds before promoting it over `<schema>.<file>`."""
    return f"{schema}.{quote(file + '__candidate')}"


@dataclass(frozen=True)
class WorkTables:
    """Where one file's load works until promotion.

    The file is read as text straight into its raw candidate, and stays there: the valid rows
    are typed in place at promotion, so no second copy of a big file is ever written.
    """

    file: str

    def _work(self, kind: str) -> str:
        return f"ingest_work.{quote(kind + '_' + self.file)}"

    @property
    def landing(self) -> str:  # every parsed row, as text; rowid = order in the file
        return candidate_table("raw", self.file)

    @property
    def lines(self) -> str:  # view: `_row` (the rowid), `_line` (its line in the file), the text
        return self._work("lines")

    @property
    def records(self) -> str:  # view: as lines, `_line` counting records (a quoted line break is not one)
        return self._work("records")

    @property
    def rejected_lines(self) -> str:  # view: the rejects with `_line` their line in the file as received
        return self._work("rejected_lines")

    @property
    def breaks(self) -> str:  # records holding quoted line breaks: _line (as a record), breaks before the next
        return self._work("breaks")

    @property
    def rejects(self) -> str:  # lines the reader could not parse: _line, error_type, raw_line
        return self._work("rejects")

    @property
    def typed(self) -> str:  # view: every row typed, with its derived and extra columns
        return self._work("typed")

    @property
    def broken(self) -> str:  # rows that break a rule: _row, _line, _reasons
        return self._work("broken")

    @property
    def duplicates(self) -> str:  # valid rows whose key repeats: _row, _line, key, reason
        return self._work("duplicates")

    @property
    def removed(self) -> str:  # view: the _row of every row to quarantine
        return self._work("removed")


def _no_rejects(con, rejects: str) -> None:
    con.execute(f"CREATE OR REPLACE TABLE {rejects} (_line BIGINT, error_type VARCHAR, raw_line VARCHAR)")


def read_into(con: duckdb.DuckDBPyConnection, landing: LandingFile, contract: Contract) -> ReadResult:
    """Read the file, as text, into its raw candidate; return the view that numbers its lines."""
    work = WorkTables(contract.file)
    table, view, rejects = work.landing, work.lines, work.rejects
    if landing.error:
        raise UnreadableFile(landing.error)
    if landing.is_parquet:
        header = _parquet_header(con, landing)
        extra = check_header(landing.path.name, header, contract)
        cast = ", ".join(f"CAST({quote(h)} AS VARCHAR) AS {quote(h)}" for h in header)
        _run(con, landing, f"CREATE OR REPLACE TABLE {table} AS SELECT {cast} FROM read_parquet({literal(landing.path)})")
        _add_optional_columns(con, table, header, contract)
        # no header line in Parquet
        con.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT rowid AS _row, rowid + 1 AS _line, * FROM {table}")
        _no_rejects(con, rejects)
        return ReadResult(view, rejects, header, extra)

    temp_dir = Path(con.execute("SELECT current_setting('temp_directory')").fetchone()[0] or ".tmp")
    try:
        with utf8_source(landing.path, contract.file, temp_dir) as (source, encoding):
            header = read_csv_header(source)
            extra = check_header(landing.path.name, header, contract)
            _read_csv(con, LandingFile(landing.name, source, landing.mtime, landing.size), contract, header)
    except EncodingError as exc:
        raise UnreadableFile(str(exc)) from None
    _number_lines(con, work)
    return ReadResult(view, work.rejected_lines, header, extra, encoding)


def _read_csv(con, landing: LandingFile, contract: Contract, header: list[str]) -> None:
    """Every field as text; unparseable lines go to the rejects table, one row per line."""
    work = WorkTables(contract.file)
    columns = "{" + ", ".join(f"{literal(h)}: 'VARCHAR'" for h in header) + "}"
    found = f"rejects_{contract.file}"
    _run(
        con,
        landing,
        f"""CREATE OR REPLACE TABLE {work.landing} AS SELECT * FROM read_csv({literal(landing.path)},
            header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
            columns = {columns}, store_rejects = true,
            rejects_table = {literal(found)}, rejects_scan = {literal(found + '_scan')})""",
    )
    _add_optional_columns(con, work.landing, header, contract)
    # One row per unparseable line (a line can report several errors).
    con.execute(
        f"""CREATE OR REPLACE TABLE {work.rejects} AS
            SELECT CAST(line AS BIGINT) AS _line, min(error_type) AS error_type, min(csv_line) AS raw_line
            FROM {found} GROUP BY line"""
    )


def _add_optional_columns(con, table: str, header: list[str], contract: Contract) -> None:
    """An optional column the file leaves out loads as blank (unknown) in every row."""
    for column in contract.columns:
        if column.optional and column.name not in header:
            con.execute(f"ALTER TABLE {table} ADD COLUMN {quote(column.name)} VARCHAR")


def read_nothing(con: duckdb.DuckDBPyConnection, contract: Contract) -> ReadResult:
    """An empty read with the contract's columns: a missing or unreadable file yields empty tables."""
    work = WorkTables(contract.file)
    table, view, rejects = work.landing, work.lines, work.rejects
    columns = ", ".join(f"{quote(c)} VARCHAR" for c in contract.column_names)
    con.execute(f"CREATE OR REPLACE TABLE {table} ({columns})")
    _no_rejects(con, rejects)
    _number_lines(con, work)
    return ReadResult(view, work.rejected_lines, contract.column_names, [])


def _number_lines(con, work: WorkTables) -> None:
    """Give each parsed row its line in the file as received (header = line 1): first its record
    (_records), then the line breaks inside quoted values of the records before it (_breaks)."""
    _number_records(con, work.landing, work.records, work.rejects)
    _count_breaks(con, work)


def _number_records(con, table: str, view: str, rejects: str) -> None:
    """Give each parsed row its record number, counting the header as record 1.

    The reader skips unparseable lines, so the k-th parsed row (0-based) sits on record
    k + 2 + (number of rejected records before it). With rejected records r_1 < r_2 < ..., the
    i-th one precedes row k exactly when r_i - i - 1 <= k: an as-of join counts them.
    """
    if con.execute(f"SELECT count(*) FROM {rejects}").fetchone()[0] == 0:
        con.execute(f"CREATE OR REPLACE VIEW {view} AS SELECT rowid AS _row, rowid + 2 AS _line, * FROM {table}")
        return
    con.execute(
        f"""CREATE OR REPLACE VIEW {view} AS
            WITH ranked AS (
                SELECT _line - row_number() OVER (ORDER BY _line) - 1 AS first_row_after,
                       row_number() OVER (ORDER BY _line) AS skipped_before
                FROM {rejects}
            ),
            skipped AS (
                SELECT first_row_after, max(skipped_before) AS skipped_before
                FROM ranked GROUP BY first_row_after
            )
            SELECT t.rowid AS _row, t.rowid + 2 + coalesce(s.skipped_before, 0) AS _line, t.*
            FROM {table} AS t ASOF LEFT JOIN skipped AS s ON t.rowid >= s.first_row_after"""
    )


def _count_breaks(con, work: WorkTables) -> None:
    """A value may hold a line break inside quotes: every record after it starts that many lines
    further down. Without any (one scan of the text to tell), records are lines."""
    columns = [r[0] for r in con.execute(f"DESCRIBE {work.landing}").fetchall()]
    breaks = " + ".join(f"coalesce(length({quote(c)}) - length(replace({quote(c)}, chr(10), '')), 0)"
                        for c in columns) or "0"
    holding = " OR ".join(f"contains({quote(c)}, chr(10))" for c in columns) or "false"
    con.execute(
        f"""CREATE OR REPLACE TABLE {work.breaks} AS
            WITH found AS (
                SELECT _line, {breaks} AS breaks FROM {work.records} WHERE {holding}
                UNION ALL
                SELECT _line, length(raw_line) - length(replace(raw_line, chr(10), '')) FROM {work.rejects}
                WHERE contains(raw_line, chr(10))
            )
            SELECT _line, CAST(sum(breaks) OVER (ORDER BY _line) AS BIGINT) AS breaks_before_next FROM found"""
    )
    if con.execute(f"SELECT count(*) FROM {work.breaks}").fetchone()[0] == 0:
        con.execute(f"CREATE OR REPLACE VIEW {work.lines} AS SELECT * FROM {work.records}")
        con.execute(f"CREATE OR REPLACE VIEW {work.rejected_lines} AS SELECT * FROM {work.rejects}")
        return
    con.execute(
        f"""CREATE OR REPLACE VIEW {work.rejected_lines} AS
            SELECT r._line + coalesce(b.breaks_before_next, 0) AS _line, r.* EXCLUDE (_line)
            FROM {work.rejects} AS r ASOF LEFT JOIN {work.breaks} AS b ON r._line > b._line"""
    )
    con.execute(
        f"""CREATE OR REPLACE VIEW {work.lines} AS
            SELECT r._row, r._line + coalesce(b.breaks_before_next, 0) AS _line, r.* EXCLUDE (_row, _line)
            FROM {work.records} AS r ASOF LEFT JOIN {work.breaks} AS b ON r._line > b._line"""
    )


def _parquet_header(con, landing: LandingFile) -> list[str]:
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM read_parquet({literal(landing.path)})").fetchall()
    except duckdb.Error as exc:
        raise UnreadableFile(f"{landing.path.name}: not a readable Parquet file ({_first_line(exc)})") from None
    return [r[0] for r in rows]


def _run(con, landing: LandingFile, sql: str) -> None:
    try:
        con.execute(sql)
    except duckdb.Error as exc:
        raise UnreadableFile(f"{landing.path.name}: {_first_line(exc)}") from None


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:300]
