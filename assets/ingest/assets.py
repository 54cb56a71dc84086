"""Dagster assets for the landing files: raw/<file> (read + quarantine), its blocking GX check,
and staging/<file> (promote + conform). Built from the contracts: one trio per landing file."""
from pathlib import Path

import dagster as dg

from assets.ingest.load_file import check_file, ingest_file, promote_file
from data_contracts.contract import Contract, load_contracts
from assets.resources import LandingResource, WarehouseResource

# Transient trouble (a file still being copied, a busy disk) deserves a retry; bad data does not
# raise, it is quarantined or rejected.
RETRY = dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL)


def _raw_asset(contract: Contract) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", contract.file],
        group_name="ingest",
        description=f"{contract.file} landing file, typed; bad rows quarantined. {contract.description}",
        deps=[dg.AssetKey(["staging", d]) for d in sorted(contract.depends_on)],
        retry_policy=RETRY,
        kinds={"duckdb"},
    )
    def raw_file(context: dg.AssetExecutionContext, warehouse: WarehouseResource, landing: LandingResource):
        with warehouse.connect() as con:
            profile = ingest_file(con, contract, Path(landing.path))
        context.log.info(
            f"{contract.file}: {profile['status']}, {profile.get('rows_read', 0):,} rows read, "
            f"{profile.get('rows_loaded', 0):,} valid, {profile.get('rows_quarantined', 0):,} quarantined"
        )
        return dg.MaterializeResult(
            metadata={
                "status": profile["status"],
                "rows_read": profile.get("rows_read", 0),
                "rows_valid": profile.get("rows_loaded", 0),
                "rows_quarantined": profile.get("rows_quarantined", 0),
                "reasons": profile.get("reasons", {}),
            }
        )

    return raw_file


def _file_check(contract: Contract) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["raw", contract.file]),
        name="file_checks",
        blocking=True,
        description="GX suite compiled from the contract: readable, required columns, row-count "
        "change, key uniqueness after quarantine, freshness.",
    )
    def file_checks(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
        with warehouse.connect() as con:
            outcome, message = check_file(con, contract, context.run.run_id)
        return dg.AssetCheckResult(
            passed=outcome.success,
            severity=dg.AssetCheckSeverity.ERROR,
            description=message,
            metadata={o.expectation + (f"[{o.column}]" if o.column else ""): o.success for o in outcome.outcomes},
        )

    return file_checks


def _staging_asset(contract: Contract) -> dg.AssetsDefinition:
    @dg.asset(
        key=["staging", contract.file],
        group_name="staging",
        description=f"{contract.file}, conformed (see docs/warehouse.md).",
        deps=[dg.AssetKey(["raw", contract.file])],
        kinds={"duckdb"},
    )
    def staging_file(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
        with warehouse.connect() as con:
            row = promote_file(con, contract, context.run.run_id)
        return dg.MaterializeResult(metadata={"status": row["status"], "rows_loaded": row["rows_loaded"]})

    return staging_file


contracts = load_contracts().values()
ingest_assets = [_raw_asset(c) for c in contracts] + [_staging_asset(c) for c in contracts]
ingest_checks = [_file_check(c) for c in contracts]
