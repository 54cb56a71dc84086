"""Load one landing file in three steps, each a Dagster step of its own:

1. ingest_file: read and split the file into candidate tables and a one-row profile;
2. check_file: run the contract's GX suite on the profile (blocking: a failure keeps the last
   good tables and records the file as rejected, its rows quarantined with reason file_rejected);
3. promote_file: type the valid rows in place, swap the candidates in as raw/quarantine tables
   and rebuild the staging table.

Plain functions over a DuckDB connection: no Dagster here, so tests call them directly.
"""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from assets.ingest.landing import (
    UnreadableFile,
    WorkTables,
    candidate_table,
    file_sha256,
    locate,
    read_into,
    read_nothing,
)
from assets.ingest import baseline, snapshot
from assets.ingest.split import keep_valid_rows, split_rows
from assets.warehouse import existing_tables
from data_contracts.contract import Contract
from data_contracts.gx_suite import SuiteOutcome, validate_profile
from data_contracts.row_rules import quote

SQL_DIR = Path(__file__).parent
STAGING_SQL_DIR = Path(__file__).parent.parent / "staging"


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute((SQL_DIR / "data_quality.sql").read_text())


def _previous_latest(con, file: str) -> float | None:
    row = con.execute(
        """SELECT latest_value FROM mart.data_quality
           WHERE file = ? AND status = 'loaded' ORDER BY loaded_at DESC LIMIT 1""",
        [file],
    ).fetchone()
    return row[0] if row else None


def ingest_file(con: duckdb.DuckDBPyConnection, contract: Contract, landing_dir: Path) -> dict:
    """Read and split the file into candidate tables; record and return its profile."""
    ensure_tables(con)
    landing = locate(landing_dir, contract.file)
    profile = {"file": contract.file, "status": "read", "message": None, "header": contract.column_names}
    if landing is None:
        profile.update(status="missing", message=f"{contract.file}.csv: not in the landing folder {landing_dir}")
        split_rows(con, contract, read_nothing(con, contract))
    else:
        profile.update(source_file=landing.path.name, source_mtime=landing.mtime)
        try:
            with ThreadPoolExecutor(max_workers=1) as pool:  # hash the file while DuckDB reads it
                digest = pool.submit(file_sha256, landing.path)
                read = read_into(con, landing, contract)
                split = split_rows(con, contract, read)
                profile["source_sha256"] = digest.result()
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
    _save_profile(con, profile)
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
    accepted = baseline.pending_acceptance(con, contract.file)
    if accepted:
        measures["accepted_by"], measures["accept_reason"] = accepted
        return measures
    change = baseline.largest_change(contract, current, baseline.last_accepted(con, contract.file))
    if change:
        measures.update(row_change_ratio=change.ratio, baseline_rows=change.baseline_rows,
                        baseline_year=change.year)
    previous_latest = _previous_latest(con, contract.file)
    if previous_latest is not None and measures["latest_value"] is not None:
        measures["freshness_change"] = measures["latest_value"] - previous_latest
    return measures


PROFILE_FIELDS = [
    "file", "status", "message", "header", "rows_read", "rows_loaded", "rows_quarantined", "reasons",
    "row_change_ratio", "duplicate_keys", "latest_value", "freshness_change", "source_file", "source_sha256",
    "source_mtime", "encoding", "rows_by_year", "baseline_rows", "baseline_year", "dropped_references",
    "dropped_detail", "accepted_by", "accept_reason",
]
JSON_FIELDS = {"header", "reasons", "rows_by_year"}
COUNT_FIELDS = {"rows_read", "rows_loaded", "rows_quarantined", "duplicate_keys", "dropped_references"}


def _save_profile(con, profile: dict) -> None:
    con.execute("DELETE FROM ingest_work.profiles WHERE file = ?", [profile["file"]])
    values = []
    for name in PROFILE_FIELDS:
        value = profile.get(name, 0 if name in COUNT_FIELDS else None)
        values.append(json.dumps(value if value is not None else {}) if name in JSON_FIELDS else value)
    con.execute(
        f"INSERT INTO ingest_work.profiles BY NAME SELECT {', '.join('? AS ' + n for n in PROFILE_FIELDS)}",
        values,
    )


def load_profile(con, file: str) -> dict:
    cursor = con.execute("SELECT * FROM ingest_work.profiles WHERE file = ?", [file])
    names = [d[0] for d in cursor.description]
    row = cursor.fetchone()
    if row is None:
        raise RuntimeError(f"{file}: no profile for this load; ingest the file first")
    profile = dict(zip(names, row))
    profile["header"] = json.loads(profile["header"])
    profile["reasons"] = json.loads(profile["reasons"]) if profile["reasons"] else {}
    profile["rows_by_year"] = json.loads(profile["rows_by_year"]) if profile["rows_by_year"] else {}
    return profile


def check_file(con: duckdb.DuckDBPyConnection, contract: Contract, run_id: str) -> tuple[SuiteOutcome, str | None]:
    """Run the file's GX suite on its profile and store the results. On failure, record the file
    as rejected (or missing) and return a one-line message saying why."""
    profile = load_profile(con, contract.file)
    outcome = validate_profile(contract, profile["header"], profile)
    now = datetime.now(timezone.utc)
    con.executemany(
        "INSERT INTO mart.gx_results VALUES (?, ?, ?, ?, ?, ?, ?)",
        [[run_id, contract.file, o.expectation, o.column, o.success, o.observed, now] for o in outcome.outcomes],
    )
    passed, failed = len(outcome.outcomes) - len(outcome.failures()), len(outcome.failures())
    con.execute(
        "UPDATE ingest_work.profiles SET checks_passed = ?, checks_failed = ? WHERE file = ?",
        [passed, failed, contract.file],
    )
    if outcome.success:
        return outcome, None
    message = failure_message(contract, profile, outcome)
    if profile["status"] == "read":
        _quarantine_rejected_rows(con, contract)
    profile = load_profile(con, contract.file)
    status = "missing" if profile["status"] == "missing" else "rejected"
    _record_quality(con, run_id, profile, status, message, rows_loaded=0)
    _drop_candidates(con, contract.file)
    return outcome, message


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


def _quarantine_rejected_rows(con, contract: Contract) -> None:
    """A rejected file's valid rows join its quarantine with reason file_rejected: nothing is lost,
    and rows read = rows loaded + rows quarantined still holds."""
    profile = load_profile(con, contract.file)
    work = WorkTables(contract.file)
    quarantined = candidate_table("quarantine", contract.file)
    original = ", ".join(quote(h) for h in profile["header"])
    valid_lines = f"(SELECT * FROM {work.lines} WHERE _row NOT IN (SELECT _row FROM {work.removed}))"
    con.execute(
        f"""INSERT INTO {quarantined} BY NAME
            SELECT '{contract.file}' AS file, _line AS line_number, ['file_rejected'] AS reasons,
                   NULL AS raw_line, {original}
            FROM {valid_lines}"""
    )
    rejected = con.execute(f"SELECT count(*) FROM {valid_lines}").fetchone()[0]
    reasons = dict(profile["reasons"], file_rejected=rejected)
    con.execute(
        """UPDATE ingest_work.profiles SET rows_quarantined = rows_quarantined + ?, reasons = ?
           WHERE file = ?""",
        [rejected, json.dumps(reasons), contract.file],
    )
    _replace(con, "quarantine", contract.file)


def promote_file(con: duckdb.DuckDBPyConnection, contract: Contract, run_id: str) -> dict:
    """Type the valid rows, swap the candidates in and rebuild the file's staging table."""
    profile = load_profile(con, contract.file)
    if profile["status"] == "read" or f"raw.{contract.file}" not in existing_tables(con):
        keep_valid_rows(con, contract)
        _replace(con, "raw", contract.file)
        _replace(con, "quarantine", contract.file)
    else:
        _drop_candidates(con, contract.file)  # a late (missing) file keeps its last good data
    build_staging(con, contract)
    if profile["status"] == "read":
        return _record_quality(con, run_id, profile, "loaded", None, rows_loaded=profile["rows_loaded"])
    return _record_quality(con, run_id, profile, "missing", profile["message"], rows_loaded=0)


def _replace(con, schema: str, file: str) -> None:
    """Rename the candidate over the table: one catalog change, no copy of the rows."""
    con.execute(f"DROP TABLE IF EXISTS {schema}.{quote(file)}")
    con.execute(f"ALTER TABLE {candidate_table(schema, file)} RENAME TO {quote(file)}")


def _drop_candidates(con, file: str) -> None:
    for schema in ("raw", "quarantine"):
        con.execute(f"DROP TABLE IF EXISTS {candidate_table(schema, file)}")


def build_staging(con, contract: Contract) -> None:
    """The file's own SQL in assets/staging/<file>.sql, or a view of its contract columns."""
    custom = STAGING_SQL_DIR / f"{contract.file}.sql"
    if custom.exists():
        con.execute(custom.read_text())
        return
    columns = ", ".join(quote(c) for c in contract.column_names + list(contract.derived))
    con.execute(f"CREATE OR REPLACE VIEW staging.{quote(contract.file)} AS SELECT {columns} FROM raw.{quote(contract.file)}")


def _record_quality(con, run_id: str, profile: dict, status: str, message: str | None, rows_loaded: int) -> dict:
    row = {
        "run_id": run_id,
        "file": profile["file"],
        "status": status,
        "rows_read": profile["rows_read"] or 0,
        "rows_loaded": rows_loaded,
        "rows_quarantined": profile["rows_quarantined"] or 0,
        "reasons": profile["reasons"],
        "checks_passed": profile["checks_passed"],
        "checks_failed": profile["checks_failed"],
        "message": message,
        "source_file": profile["source_file"],
        "source_sha256": profile["source_sha256"],
        "source_mtime": profile["source_mtime"],
        "latest_value": profile["latest_value"] if status == "loaded" else None,
        "loaded_at": datetime.now(timezone.utc),
        "encoding": profile.get("encoding"),
        "rows_by_year": profile.get("rows_by_year") if status == "loaded" else None,
        "accepted_by": profile.get("accepted_by") if status == "loaded" else None,
        "accept_reason": profile.get("accept_reason") if status == "loaded" else None,
    }
    if row["accepted_by"]:
        baseline.mark_applied(con, profile["file"], run_id)
    con.execute(
        f"INSERT INTO mart.data_quality BY NAME SELECT {', '.join('? AS ' + k for k in row)}",
        [json.dumps(v) if k in ("reasons", "rows_by_year") and v is not None else v for k, v in row.items()],
    )
    return row
