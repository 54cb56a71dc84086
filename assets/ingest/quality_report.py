"""The quality report of one run: a row in mart.data_quality for every contract file, the GX
results of every file that was judged in mart.gx_results, and in mart.acceptances the run that
applied each `alignboard accept` (a load that used it: accepted_by in its outcome).

The statuses: loaded, loaded_with_warnings, rejected, missing and unchanged come from the file's own load
(load_file.py); a file whose load did not run is `not_run`, with the upstream file that stopped
it (rejected, or itself not run) and that file's reason.
Plain functions over a DuckDB connection: no Dagster here.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from assets.ingest import baseline
from data_contracts.contract import Contract
from data_contracts.row_rules import quote

SQL_DIR = Path(__file__).parent
STOPPING = ("rejected", "not_run")


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute((SQL_DIR / "data_quality.sql").read_text())


def not_run_reason(contract: Contract, contracts: dict[str, Contract], outcomes: dict[str, dict]) -> tuple[str | None, str]:
    """The upstream file that stopped this one, and why; (None, ...) when no upstream file did."""
    for upstream in sorted(contract.depends_on):
        outcome = outcomes.get(upstream)
        if outcome is None:
            found, _ = not_run_reason(contracts[upstream], contracts, outcomes)
            return upstream, f"not run: it needs {upstream}, which did not run" + (
                f" (stopped by {found})" if found else ""
            )
        if outcome["status"] in STOPPING or any(not c["success"] for c in outcome.get("checks", [])):
            return upstream, f"not run: it needs {upstream}, which was {outcome['status']}: {outcome['message']}"
    return None, "not run: its load step did not run in this run (see the run's failures)"


def record_run(
    con: duckdb.DuckDBPyConnection, run_id: str, contracts: dict[str, Contract], outcomes: dict[str, dict]
) -> list[dict]:
    """Append this run's row for every contract file (and its GX results), mark the acceptances
    this run applied; return the rows."""
    ensure_tables(con)
    now = datetime.now(timezone.utc)
    rows, results = [], []
    for file, contract in contracts.items():
        outcome = outcomes.get(file)
        if outcome is None:
            upstream, message = not_run_reason(contract, contracts, outcomes)
            rows.append({"run_id": run_id, "file": file, "status": "not_run", "rows_read": 0, "rows_loaded": 0,
                         "rows_quarantined": 0, "reasons": "{}", "message": f"{file}.csv: {message}",
                         "upstream_file": upstream, "loaded_at": now})
            continue
        checks = outcome.get("checks", [])
        rows.append({
            "run_id": run_id, "file": file, "status": outcome["status"],
            "rows_read": outcome["rows_read"], "rows_loaded": outcome["rows_loaded"],
            "rows_quarantined": outcome["rows_quarantined"], "reasons": json.dumps(outcome["reasons"]),
            "checks_passed": sum(c["success"] for c in checks) if checks else None,
            "checks_failed": sum(not c["success"] for c in checks) if checks else None,
            "message": outcome["message"], "source_file": outcome["source_file"],
            "source_sha256": outcome["source_sha256"], "source_mtime": outcome["source_mtime"],
            "source_size": outcome.get("source_size"),
            "latest_value": outcome["latest_value"] if outcome["status"] in baseline.LOADED else None,
            "upstream_file": None, "loaded_at": now, "encoding": outcome.get("encoding"),
            "rows_by_year": json.dumps(outcome["rows_by_year"]) if outcome.get("rows_by_year") else None,
            "accepted_by": outcome.get("accepted_by"), "accept_reason": outcome.get("accept_reason"),
            "new_codes": json.dumps(outcome["new_codes"]) if outcome.get("new_codes") else None,
        })
        if outcome["status"] in baseline.LOADED and outcome.get("accepted_by"):
            baseline.mark_applied(con, file, run_id)
        results += [[run_id, file, c["expectation"], c["column"], c["success"], c["observed"], now] for c in checks]
    for row in rows:
        con.execute(
            f"INSERT INTO mart.data_quality BY NAME SELECT {', '.join(f'${k} AS {quote(k)}' for k in row)}",
            row,
        )
    if results:
        con.executemany("INSERT INTO mart.gx_results VALUES (?, ?, ?, ?, ?, ?, ?)", results)
    return rows
