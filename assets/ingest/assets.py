"""Dagster assets for the landing files, built from the contracts (one set per contract):

- load_<file>, a multi-asset materializing raw/<file> (the valid rows, typed) and
  quarantine/<file> (the rows that broke a rule, with every reason); it also decides, with the
  contract's GX suite, whether the file is loaded or rejected (load_file.py);
- file_checks, the blocking check on raw/<file>: it reads the GX results of this run's load
  and reports them; a failure stops staging/<file> and everything below it;
- quality_report, a multi-asset materializing mart/data_quality, mart/gx_results and
  mart/acceptances: this run's row for every contract file, read from the load steps'
  materializations, and the run that applied each `alignboard accept` (the command appends the
  request; the load of the file uses it). It has no upstream assets so that it runs even when a
  file is rejected; its low priority makes it run last.
"""
import json
from pathlib import Path

import dagster as dg

from assets.ingest.baseline import LOADED
from assets.ingest.load_file import contract_code_version, load_file
from assets.ingest.quality_report import record_run
from assets.resources import LandingResource, WarehouseResource
from data_contracts.contract import Contract, load_contracts

# Transient trouble (a file still being copied, a busy disk) deserves a retry; bad data does not
# raise, it is quarantined or rejected.
RETRY = dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL)
DATA_QUALITY = dg.AssetKey(["mart", "data_quality"])
GX_RESULTS = dg.AssetKey(["mart", "gx_results"])
ACCEPTANCES = dg.AssetKey(["mart", "acceptances"])


def _load_assets(contract: Contract) -> dg.AssetsDefinition:
    raw_key, quarantine_key = dg.AssetKey(["raw", contract.file]), dg.AssetKey(["quarantine", contract.file])
    # the orphan checks and rule look-ups read these staging tables
    upstream = [dg.AssetKey(["staging", d]) for d in sorted(contract.depends_on)]
    code_version = contract_code_version(contract)

    @dg.multi_asset(
        name=f"load_{contract.file}",
        specs=[
            dg.AssetSpec(raw_key, group_name="ingest", deps=upstream, code_version=code_version, kinds={"duckdb"},
                         description=f"{contract.file} landing file, typed: its valid rows. {contract.description}"),
            dg.AssetSpec(quarantine_key, group_name="ingest", deps=upstream, code_version=code_version,
                         kinds={"duckdb"},
                         description=f"{contract.file}: the rows that broke a rule, with their line and reasons "
                                     "(every row, reason file_rejected, when the file was rejected)."),
        ],
        retry_policy=RETRY,
    )
    def load(context: dg.AssetExecutionContext, warehouse: WarehouseResource, landing: LandingResource):
        with warehouse.connect() as con:
            outcome = load_file(con, contract, Path(landing.path))
        context.log.info(
            f"{contract.file}: {outcome['status']}, {outcome['rows_read']:,} rows read, "
            f"{outcome['rows_loaded']:,} loaded, {outcome['rows_quarantined']:,} quarantined"
        )
        for key, version in ((raw_key, outcome["version"]), (quarantine_key, outcome["quarantine_version"])):
            yield dg.MaterializeResult(
                asset_key=key,
                data_version=dg.DataVersion(version) if version else None,
                metadata={
                    "status": outcome["status"],
                    "rows_read": outcome["rows_read"],
                    "rows_loaded": outcome["rows_loaded"],
                    "rows_quarantined": outcome["rows_quarantined"],
                    "outcome": dg.MetadataValue.json(outcome),
                },
            )

    return load


def _this_run_outcome(instance: dg.DagsterInstance, run_id: str, key: dg.AssetKey) -> dict | None:
    event = instance.get_latest_materialization_event(key)
    if event is None or event.run_id != run_id:
        return None
    return event.asset_materialization.metadata["outcome"].value


def _file_check(contract: Contract) -> dg.AssetChecksDefinition:
    raw_key = dg.AssetKey(["raw", contract.file])

    @dg.asset_check(
        asset=raw_key,
        name="file_checks",
        blocking=True,
        description="GX suite compiled from the contract: readable, required columns, at least one "
        "valid row, row-count change against the baseline, no key dropped from under kept data, key "
        "uniqueness after quarantine, freshness. Reports the results of this run's load.",
    )
    def file_checks(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        outcome = _this_run_outcome(context.instance, context.run.run_id, raw_key)
        if outcome is None:
            return dg.AssetCheckResult(passed=False, description=f"{contract.file}: not loaded in this run")
        checks = outcome["checks"]
        return dg.AssetCheckResult(
            passed=all(c["success"] for c in checks),
            severity=dg.AssetCheckSeverity.ERROR,
            description=outcome["message"] if outcome["status"] != "loaded" else None,
            metadata={c["expectation"] + (f"[{c['column']}]" if c["column"] else ""): c["success"] for c in checks},
        )

    return file_checks


@dg.multi_asset(
    name="quality_report",
    specs=[
        dg.AssetSpec(DATA_QUALITY, group_name="ingest", kinds={"duckdb"},
                     description="One row per contract file and run: loaded, loaded_with_warnings, rejected, missing, unchanged "
                                 "or not_run (with the upstream file that stopped it), rows and reasons."),
        dg.AssetSpec(GX_RESULTS, group_name="ingest", kinds={"duckdb"},
                     description="The GX results of every file judged in each run."),
        dg.AssetSpec(ACCEPTANCES, group_name="ingest", kinds={"duckdb"},
                     description="Every `alignboard accept FILE --reason ...` (who, why, when) and the run "
                                 "whose load of the file applied it."),
    ],
    # no upstream assets, so a rejected file does not skip it; the lowest priority runs it last
    op_tags={"dagster/priority": "-100"},
)
def quality_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    run_id = context.run.run_id
    contracts = load_contracts()
    outcomes = {}
    for file in contracts:
        outcome = _this_run_outcome(context.instance, run_id, dg.AssetKey(["raw", file]))
        if outcome is not None:
            outcomes[file] = outcome
    with warehouse.connect() as con:
        rows = record_run(con, run_id, contracts, outcomes)
    statuses = {}
    for row in rows:
        statuses[row["status"]] = statuses.get(row["status"], 0) + 1
    yield dg.MaterializeResult(asset_key=DATA_QUALITY, metadata={"files": len(rows), "statuses": json.dumps(statuses)})
    yield dg.MaterializeResult(asset_key=GX_RESULTS, metadata={"files judged": sum(bool(o["checks"]) for o in outcomes.values())})
    applied = sorted(r["file"] for r in rows if r.get("accepted_by") and r["status"] in LOADED)
    yield dg.MaterializeResult(asset_key=ACCEPTANCES, metadata={"applied": ", ".join(applied) or "none"})


contracts = load_contracts().values()
ingest_assets = [*(_load_assets(c) for c in contracts), quality_report]
ingest_checks = [_file_check(c) for c in contracts]
