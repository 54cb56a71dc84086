"""What every reliability case checks: the CLI's exit code and one-line message, the quality
report's reconciliation, foreign keys in the published warehouse, and equality with a clean load."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from data_contracts.contract import load_contracts
from data_contracts.row_rules import quote
from pipelines.cli import main
from tests.integration.landing_builder import CLEAN, write_landing

# Tables whose rows say when and by which run, not what was loaded.
HISTORY = {"mart.data_quality", "mart.gx_results", "mart.acceptances"}
# Columns that say which input versions (file hashes) built a table, not what it holds.
PROVENANCE = {"mart.metric_catalog": "values_version"}


CORE = ["districts", "schools", "students", "attendance_daily"]


def load(landing: Path, warehouse: Path, capsys, files: list[str] | None = None) -> tuple[int, str]:
    """Run `alignboard load`; return its exit code and its error lines (stderr, `alignboard load:`).

    With `files`, run only those files' raw and staging assets (the same code, a fraction of the
    time: the matrix has many nights); the marts keep their state."""
    if files:
        from pipelines.run_load import run_load

        outcome = run_load(landing, warehouse, progress=False, files=files)
        return (0 if outcome.success else 1), "\n".join(f"alignboard load: {e}" for e in outcome.errors)
    capsys.readouterr()
    code = main(["load", "--landing", str(landing), "--warehouse", str(warehouse)])
    err = capsys.readouterr().err
    return code, "\n".join(line for line in err.splitlines() if line.startswith("alignboard"))


def quality(warehouse: Path, capsys) -> dict[str, dict]:
    capsys.readouterr()
    assert main(["quality", "--warehouse", str(warehouse), "--format", "json"]) == 0
    return {row["file"].split(".")[0]: row for row in json.loads(capsys.readouterr().out)}


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    """Every data table's rows, sorted (history tables left out)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = [
            f"{s}.{n}" for s, n in con.execute(
                "SELECT table_schema, table_name FROM information_schema.tables "
                "WHERE table_schema IN ('raw', 'quarantine', 'staging', 'mart') ORDER BY ALL"
            ).fetchall()
        ]
        return {
            t: con.execute(
                f"SELECT * {'EXCLUDE (' + quote(PROVENANCE[t]) + ')' if t in PROVENANCE else ''} "
                f"FROM {quote(t.split('.')[0])}.{quote(t.split('.')[1])} ORDER BY ALL"
            ).fetchall()
            for t in tables if t not in HISTORY
        }


def foreign_key_violations(warehouse: Path) -> dict[str, int]:
    """Published rows whose foreign key has no match in the file it references."""
    found = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = {f"{s}.{n}" for s, n in con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables").fetchall()}
        for contract in load_contracts().values():
            for fk in contract.foreign_keys:
                if f"raw.{contract.file}" not in tables or f"staging.{fk.references}" not in tables:
                    continue
                present = " AND ".join(f"d.{quote(c)} IS NOT NULL" for c in fk.columns)
                match = " AND ".join(f"f.{quote(c)} = d.{quote(c)}" for c in fk.columns)
                n = con.execute(
                    f"SELECT count(*) FROM raw.{quote(contract.file)} AS d WHERE {present} AND NOT EXISTS "
                    f"(SELECT 1 FROM staging.{quote(fk.references)} AS f WHERE {match})"
                ).fetchone()[0]
                if n:
                    found[f"{contract.file}->{fk.references}"] = n
    return found


def assert_reconciled(report: dict[str, dict]) -> None:
    """Rows read = loaded + quarantined for every file, whatever its status."""
    for name, row in report.items():
        if row["status"] in ("loaded", "loaded_with_warnings"):
            assert row["rows_read"] == row["rows_loaded"] + row["rows_quarantined"], name
        elif row["status"] == "rejected":
            assert row["rows_loaded"] == 0 and row["rows_read"] == row["rows_quarantined"], name


def clean_copy(tmp_path: Path, clean_warehouse: Path) -> tuple[Path, Path]:
    """A fresh clean landing folder and a copy of the warehouse a clean load built."""
    landing = write_landing(tmp_path / "landing", CLEAN)
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(clean_warehouse, warehouse)
    return landing, warehouse
