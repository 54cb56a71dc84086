"""Load one landing file into raw.<file> and quarantine.<file>, or say why not.

load_file reads and splits the file, runs the contract's GX suite on the load's profile, and
then either promotes the candidates (loaded), quarantines every row of the file with reason
file_rejected and keeps the last good raw table (rejected), or keeps the last good tables
(missing). It returns the outcome; the Dagster check reports it and the quality report records
it. A file whose data version (its sha256, its contract, the ingest code and the versions of the
staging tables its orphan checks read) equals the one stamped on its tables is not read again:
`unchanged`. Its sha256 is computed again only when its name, size or modification time differ
from those its last load recorded; and a pending `alignboard accept` of the file makes the load
read and judge it even when unchanged, so the acceptance is applied to the file it was made for.
An optional file missing at the last load too is reported `missing` without running its suite
(which could only pass): a reload that judges no file never imports GX.

The judgement also uses the file's encoding (encoding.py), its valid rows per school year
against the last accepted load (baseline.py), the keys it would drop from under kept data
(snapshot.py), and a pending `alignboard accept` of the file, which this load applies.

Plain functions over a DuckDB connection: no Dagster here, so tests call them directly.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from assets.ingest import baseline, snapshot
from assets.ingest.district_config import district_contract, open_code_columns
from assets.ingest.encoding import declared_encoding
from assets.ingest.landing import (
    LandingFile,
    UnreadableFile,
    WorkTables,
    candidate_table,
    file_sha256,
    locate,
    read_into,
    read_nothing,
)
from assets.ingest.split import keep_valid_rows, split_rows
from assets.metrics import sqltext
from assets.versions import code_version, version_of
from assets.warehouse import data_version, existing_tables, stamp_data_version
from data_contracts import gx_suite, row_rules
from data_contracts.contract import CONTRACT_DIR, Contract
from data_contracts.gx_suite import SuiteOutcome, validate_profile
from data_contracts.row_rules import quote

SQL_DIR = Path(__file__).parent

# Everything that decides what a file's raw and quarantine tables hold, besides the file itself
# and its contract: a change to any of these reloads every file.
INGEST_CODE_VERSION = code_version(
    SQL_DIR / "landing.py", SQL_DIR / "split.py", Path(__file__), SQL_DIR / "find_duplicates.sql",
    SQL_DIR / "assemble_quarantine.sql", SQL_DIR / "encoding.py", SQL_DIR / "baseline.py",
    SQL_DIR / "snapshot.py", SQL_DIR / "workbook.py", SQL_DIR / "district_config.py", Path(row_rules.__file__),
    Path(gx_suite.__file__), Path(sqltext.__file__),
)


def contract_code_version(contract: Contract) -> str:
    """The code version of a file's raw and quarantine assets: the ingest code and its contract."""
    return version_of(INGEST_CODE_VERSION, (CONTRACT_DIR / f"{contract.file}.yaml").read_text())


def _previous_latest(con, file: str) -> float | None:
    if "mart.data_quality" not in existing_tables(con):
        return None  # the first load
    row = con.execute(
        """SELECT latest_value FROM mart.data_quality
           WHERE file = ? AND list_contains(?, status) ORDER BY loaded_at DESC LIMIT 1""",
        [file, list(baseline.LOADED)],
    ).fetchone()
    return row[0] if row else None


def load_file(con: duckdb.DuckDBPyConnection, contract: Contract, landing_dir: Path) -> dict:
    """Load the file if it changed; return its outcome (status loaded, rejected, missing or
    unchanged, the row counts and reasons, the GX results, the data versions of its tables).
    A loaded file with more than its quarantine_warning share of rows quarantined is
    loaded_with_warnings. A pending acceptance the load used is in the outcome (accepted_by):
    the quality report of the run records it as applied."""
    try:
        return _load_file(con, district_contract(contract), landing_dir)
    finally:  # after a failure too (out of memory, disk full): no scratch table is published
        _drop_work_tables(con, contract.file)


def _load_file(con: duckdb.DuckDBPyConnection, contract: Contract, landing_dir: Path) -> dict:
    raw, quarantined = f"raw.{contract.file}", f"quarantine.{contract.file}"
    tables = existing_tables(con)
    stamped = data_version(con, raw) if raw in tables else None
    if stamped is not None and data_version(con, quarantined) != stamped:
        stamped = None  # the quarantine holds a rejected file's rows: this file must be judged again
    # the orphan checks read these staging tables: new keys there can change which rows are valid
    inputs = [data_version(con, f"staging.{d}") or "" for d in sorted(contract.depends_on)]

    district_codes = repr([(c.name, c.allowed) for c in contract.columns if c.district_codes])

    def version(source: str) -> str:
        return version_of(source, contract_code_version(contract), declared_encoding(contract.file) or "",
                          district_codes, *inputs)

    landing = locate(landing_dir, contract.file)
    profile = {
        "file": contract.file, "status": "read", "message": None, "header": contract.column_names,
        "rows_read": 0, "rows_loaded": 0, "rows_quarantined": 0, "reasons": {}, "duplicate_keys": 0,
        "latest_value": None, "row_change_ratio": None, "freshness_change": None,
        "source_file": None, "source_sha256": None, "source_mtime": None, "source_size": None, "checks": [],
        "encoding": None, "rows_by_year": None, "baseline_rows": None, "baseline_year": None,
        "dropped_references": 0, "dropped_detail": None, "accepted_by": None, "accept_reason": None,
        "new_codes": None,
    }
    if landing is None:
        profile.update(status="missing", message=f"{contract.file}.csv: not in the landing folder {landing_dir}")
        if stamped is not None and not contract.required_file and _last_status(con, tables, contract.file) == "missing":
            # missing at the last load too: its tables stay as they are and its suite can only pass
            profile.update(version=stamped, quarantine_version=stamped,
                           message=profile["message"] + " (as at its last load: not judged again)")
            return profile
        split_rows(con, contract, read_nothing(con, contract))
    else:
        profile.update(source_file=landing.path.name, source_mtime=landing.mtime.isoformat(), source_size=landing.size)
        try:
            if stamped is not None:  # a reload: read only a changed file, or one with a pending acceptance
                recorded = recorded_sha256(con, tables, contract.file, landing)
                profile["source_sha256"] = recorded or file_sha256(landing.path)
                if version(profile["source_sha256"]) == stamped and not baseline.pending_acceptance(con, contract.file):
                    return _unchanged(con, contract, profile, stamped, hashed=recorded is None)
                with gx_suite.importing_alongside():
                    read = read_into(con, landing, contract)
            else:
                with gx_suite.importing_alongside(), ThreadPoolExecutor(max_workers=1) as pool:
                    digest = pool.submit(file_sha256, landing.path)  # hash the file while DuckDB reads it
                    read = read_into(con, landing, contract)
                    profile["source_sha256"] = digest.result()
            split = split_rows(con, contract, read)
        except UnreadableFile as exc:
            profile.update(status="unreadable", message=str(exc))
            split_rows(con, contract, read_nothing(con, contract))
        else:
            profile.update(
                header=read.header,
                encoding=read.encoding,
                rows_read=split.rows_read,
                rows_loaded=split.rows_loaded,
                rows_quarantined=split.rows_quarantined,
                reasons=split.reasons,
                duplicate_keys=split.duplicate_keys,
                **_measure(con, contract, landing_dir),
            )

    outcome = validate_profile(contract, profile["header"], profile)
    profile["checks"] = [
        {"expectation": o.expectation, "column": o.column, "success": o.success, "observed": o.observed}
        for o in outcome.outcomes
    ]
    new_version = version(profile["source_sha256"] or profile["status"])
    if outcome.success:
        if profile["status"] == "read" or raw not in tables:
            _promote(con, contract, new_version)  # a first load promotes even a missing file's empty tables
        profile["status"] = "loaded" if profile["status"] == "read" else "missing"
        if profile["status"] == "loaded" and _share(profile) > contract.quarantine_warning:
            profile.update(status="loaded_with_warnings", message=warning_message(contract, profile))
    else:
        profile["message"] = failure_message(contract, profile, outcome)
        if profile["status"] == "read":
            _quarantine_rejected_rows(con, contract, profile, new_version)
        profile["status"] = "missing" if profile["status"] == "missing" else "rejected"
        profile["rows_loaded"] = 0
        profile.update(rows_by_year=None, accepted_by=None, accept_reason=None, new_codes=None)  # not a baseline
    tables = existing_tables(con)  # the load may have created them
    profile["version"] = data_version(con, raw) if raw in tables else None
    profile["quarantine_version"] = data_version(con, quarantined) if quarantined in tables else None
    return profile


def _last_status(con, tables: set[str], file: str) -> str | None:
    if "mart.data_quality" not in tables:
        return None
    row = con.execute("SELECT status FROM mart.data_quality WHERE file = ? ORDER BY loaded_at DESC LIMIT 1",
                      [file]).fetchone()
    return row[0] if row else None


def recorded_sha256(con: duckdb.DuckDBPyConnection, tables: set[str], file: str, landing: LandingFile) -> str | None:
    """The sha256 recorded by the file's last load (or skip) when the file in the folder still has
    that load's name, size and modification time: it was not touched since, so hashing it again
    (2 GB for a large district) would say the same. None when any of them differs: hash it."""
    if "mart.data_quality" not in tables:
        return None
    row = con.execute(
        """SELECT source_sha256, source_file = $name AND source_size = $size
                                 AND source_mtime = CAST($mtime AS TIMESTAMPTZ)
           FROM mart.data_quality WHERE file = $file AND list_contains($statuses, status)
           ORDER BY loaded_at DESC LIMIT 1""",
        {"file": file, "name": landing.path.name, "size": landing.size, "mtime": landing.mtime.isoformat(),
         "statuses": [*baseline.LOADED, "unchanged"]},
    ).fetchone()
    return row[0] if row and row[1] else None


def _unchanged(con, contract: Contract, profile: dict, version: str, hashed: bool) -> dict:
    """The file is the one the tables were built from: report what they hold."""
    loaded = con.execute(f"SELECT count(*) FROM raw.{quote(contract.file)}").fetchone()[0]
    reasons = dict(
        con.execute(
            f"SELECT reason, count(*) FROM (SELECT unnest(reasons) AS reason FROM quarantine.{quote(contract.file)}) "
            "GROUP BY reason ORDER BY reason"
        ).fetchall()
    )
    held = con.execute(f"SELECT count(*) FROM quarantine.{quote(contract.file)}").fetchone()[0]
    profile.update(
        status="unchanged", rows_read=loaded + held, rows_loaded=loaded, rows_quarantined=held,
        reasons=reasons, version=version, quarantine_version=version,
        message=f"{profile['source_file']}: unchanged since its last load, not read again ("
        + ("same sha256)" if hashed else "same size and modification time: its recorded sha256 reused)"),
    )
    return profile


def _measure(con, contract: Contract, landing_dir: Path) -> dict:
    """Freshness, change against the last accepted load (baseline.py), keys dropped from under
    kept data (snapshot.py), and any acceptance that waives the comparisons this time."""
    work = WorkTables(contract.file)
    valid = f"(SELECT * FROM {work.typed} WHERE _row NOT IN (SELECT _row FROM {work.removed}))"
    measures = {"latest_value": None, "row_change_ratio": None, "freshness_change": None}
    if contract.freshness:
        column = contract.column(contract.freshness)
        latest = quote(column.name)
        as_number = f"max({latest} - DATE '1970-01-01')" if column.type == "date" else f"max({latest})"
        measures["latest_value"] = con.execute(f"SELECT {as_number} FROM {valid}").fetchone()[0]
    current = baseline.rows_by_year(con, contract, valid)
    measures["rows_by_year"] = current
    measures["dropped_references"], measures["dropped_detail"] = snapshot.dropped_references(
        con, contract, valid, landing_dir
    )
    measures["new_codes"] = new_codes(con, contract, valid)
    accepted = baseline.pending_acceptance(con, contract.file)
    if accepted:
        measures["accepted_by"], measures["accept_reason"] = accepted
        return measures
    change = baseline.largest_change(contract, current, baseline.last_accepted(con, contract.file))
    if change:
        measures.update(row_change_ratio=change.ratio, baseline_rows=change.baseline_rows, baseline_year=change.year)
    previous_latest = _previous_latest(con, contract.file)
    if previous_latest is not None and measures["latest_value"] is not None:
        measures["freshness_change"] = measures["latest_value"] - previous_latest
    return measures


NEW_CODES_LISTED = 1000  # more new codes than this in one column is junk, not a district's own list


def new_codes(con, contract: Contract, valid: str) -> dict[str, list[str]] | None:
    """The codes of each unlisted district-code column that the file's loaded rows did not hold
    (every code at a first load); None when there is none."""
    raw = f"raw.{contract.file}"
    loaded = existing_tables(con)
    found = {}
    for column in open_code_columns(contract):
        name = quote(column)
        unseen = f"AND {name} NOT IN (SELECT {name} FROM {raw} WHERE {name} IS NOT NULL)" if raw in loaded else ""
        codes = [r[0] for r in con.execute(
            f"SELECT DISTINCT {name} FROM {valid} WHERE {name} IS NOT NULL {unseen} ORDER BY 1 LIMIT {NEW_CODES_LISTED}"
        ).fetchall()]
        if codes:
            found[column] = codes
    return found or None


def _share(profile: dict) -> float:
    return profile["rows_quarantined"] / profile["rows_read"] if profile["rows_read"] else 0.0


def warning_message(contract: Contract, profile: dict) -> str:
    """One line: the share quarantined, the threshold it passed, and how to see the rows."""
    name = profile.get("source_file") or f"{contract.file}.csv"
    return (f"{name}: loaded with warnings: {profile['rows_quarantined']:,} of {profile['rows_read']:,} rows "
            f"quarantined ({_share(profile):.1%}, above {contract.quarantine_warning:.1%}); "
            f"see them with `alignboard quarantine {name}`")


def failure_message(contract: Contract, profile: dict, outcome: SuiteOutcome) -> str:
    """One line for a person: which file, and why it was not loaded."""
    name = profile.get("source_file") or f"{contract.file}.csv"
    failed = {o.column or o.expectation for o in outcome.failures()}
    if "status" in failed:
        if profile["status"] == "missing":
            return f"{contract.file}.csv: required file is missing from the landing folder"
        return profile["message"]
    if "expect_table_columns_to_match_set" in failed:
        return f"{name}: line 1: missing required columns"
    reasons = []
    if "valid_rows_if_read" in failed:
        reasons.append(
            "header only, no data rows" if not profile["rows_read"]
            else f"none of its {profile['rows_read']:,} rows is valid (see quarantine.{contract.file})"
        )
    if "dropped_references" in failed:
        reasons.append(snapshot.dropped_message(profile))
    if "row_change_ratio" in failed:
        reasons.append(baseline.change_message(contract, profile))
    if "duplicate_keys" in failed:
        reasons.append(f"{profile['duplicate_keys']:,} duplicate keys ({', '.join(contract.key)}) after quarantine")
    if "freshness_change" in failed:
        reasons.append(
            f"its newest {contract.freshness} is older than the data already loaded "
            f"(is it last year's export?)"
        )
    if failed & {"row_change_ratio", "freshness_change"}:
        reasons.append(baseline.accept_hint(name))
    return f"{name}: rejected: " + "; ".join(reasons)


def _quarantine_rejected_rows(con, contract: Contract, profile: dict, version: str) -> None:
    """A rejected file's valid rows join its quarantine with reason file_rejected: nothing is lost,
    and rows read = rows loaded + rows quarantined still holds. The raw table stays as it was."""
    work = WorkTables(contract.file)
    quarantined = candidate_table("quarantine", contract.file)
    original = ", ".join(quote(h) for h in profile["header"])
    valid_lines = f"(SELECT * FROM {work.lines} WHERE _row NOT IN (SELECT _row FROM {work.removed}))"
    con.execute(
        f"""INSERT INTO {quarantined} BY NAME
            SELECT $file AS file, _line AS line_number, ['file_rejected'] AS reasons,
                   NULL AS raw_line, {original}
            FROM {valid_lines}""",
        {"file": contract.file},
    )
    rejected = con.execute(f"SELECT count(*) FROM {valid_lines}").fetchone()[0]
    profile["rows_quarantined"] += rejected
    profile["reasons"] = dict(profile["reasons"], file_rejected=rejected)
    _replace(con, "quarantine", contract.file)
    # not the raw table's version: tomorrow the file is judged again, even if unchanged
    stamp_data_version(con, f"quarantine.{contract.file}", version_of("rejected", version))
    _drop_candidates(con, contract.file)


def _promote(con, contract: Contract, version: str) -> None:
    """Type the valid rows and swap the candidates in as raw.<file> and quarantine.<file>."""
    keep_valid_rows(con, contract)
    for schema in ("raw", "quarantine"):
        _replace(con, schema, contract.file)
        stamp_data_version(con, f"{schema}.{contract.file}", version)


def _replace(con, schema: str, file: str) -> None:
    """Rename the candidate over the table: one catalog change, no copy of the rows."""
    con.execute(f"DROP TABLE IF EXISTS {schema}.{quote(file)}")
    con.execute(f"ALTER TABLE {candidate_table(schema, file)} RENAME TO {quote(file)}")


def _drop_candidates(con, file: str) -> None:
    for schema in ("raw", "quarantine"):
        con.execute(f"DROP TABLE IF EXISTS {candidate_table(schema, file)}")


def _drop_work_tables(con, file: str) -> None:
    """The scratch tables of this step: nothing is handed to another step through them."""
    _drop_candidates(con, file)
    work = WorkTables(file)
    for view in (work.removed, work.typed, work.lines, work.records, work.rejected_lines):
        con.execute(f"DROP VIEW IF EXISTS {view}")
    for table in (work.rejects, work.broken, work.duplicates, work.breaks):
        con.execute(f"DROP TABLE IF EXISTS {table}")
