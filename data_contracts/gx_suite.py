"""Compile a contract into a Great Expectations 1.x suite of file-level expectations.

GX validates a one-row *profile* of each load (computed in DuckDB: row counts, duplicate keys
left after quarantine, how fresh the data is, whether the file could be read), with the file's
header columns as the frame's columns. Row-level rules run as SQL (row_rules.py): GX on a
36-million-row pandas frame would take minutes and gigabytes for checks DuckDB does in seconds.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from data_contracts.contract import Contract

PROFILE_COLUMNS = [
    "status", "rows_loaded", "row_change_ratio", "duplicate_keys", "freshness_change",
    "valid_rows_if_read", "dropped_references",
]


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str
    column: str | None
    success: bool
    observed: str


@dataclass(frozen=True)
class SuiteOutcome:
    success: bool
    outcomes: list[ExpectationOutcome]

    def failures(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]


def expectations_for(contract: Contract) -> list:
    """The suite's expectations, straight from the contract's YAML."""
    import great_expectations as gx

    allowed_status = ["read"] if contract.required_file else ["read", "missing"]
    bound = contract.max_row_change
    expectations = [
        gx.expectations.ExpectColumnValuesToBeInSet(column="status", value_set=allowed_status),
        gx.expectations.ExpectTableColumnsToMatchSet(
            column_set=contract.required_column_names + PROFILE_COLUMNS, exact_match=False
        ),
        # larger over smaller, so a drop and the recovery from it are judged alike (see
        # assets/ingest/baseline.py); NULL when within the floor or accepted
        gx.expectations.ExpectColumnValuesToBeBetween(column="row_change_ratio", max_value=1 + bound),
        # NULL when the file was not read (missing, unreadable): other expectations say why
        gx.expectations.ExpectColumnValuesToBeBetween(column="valid_rows_if_read", min_value=1),
        # rows of other files' kept data pointing at keys this version drops (snapshot.py)
        gx.expectations.ExpectColumnValuesToBeBetween(column="dropped_references", min_value=0, max_value=0),
    ]
    if contract.key:
        expectations.append(
            gx.expectations.ExpectColumnValuesToBeBetween(column="duplicate_keys", min_value=0, max_value=0)
        )
    if contract.freshness:
        expectations.append(gx.expectations.ExpectColumnValuesToBeBetween(column="freshness_change", min_value=0))
    return expectations


@contextmanager
def importing_alongside() -> Iterator[None]:
    """Import GX (several seconds) on a thread while the block reads a file into DuckDB, and wait
    for the import when the block ends, even when it fails. Two threads importing at once can
    meet a half-imported module (sqlalchemy.orm), so the import must never outlive the block
    into code that imports. A process imports once; a reload that judges no file never does."""
    importer = None
    if _context.cache_info().currsize == 0:
        importer = threading.Thread(target=_context, name="gx-import", daemon=True)
        importer.start()
    try:
        yield
    finally:
        if importer is not None:
            importer.join()


@cache
def _context():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


_validations: dict[str, object] = {}


def _validation(contract: Contract):
    """One validation definition per contract, built on first use (GX imports are slow)."""
    if contract.file in _validations:
        return _validations[contract.file]
    import great_expectations as gx

    context = _context()
    batch = (
        context.data_sources.add_or_update_pandas(f"profile_{contract.file}")
        .add_dataframe_asset("profile")
        .add_batch_definition_whole_dataframe("whole")
    )
    suite = context.suites.add(gx.ExpectationSuite(name=f"{contract.file}_file_checks"))
    for expectation in expectations_for(contract):
        suite.add_expectation(expectation)
    _validations[contract.file] = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{contract.file}_validation", data=batch, suite=suite)
    )
    return _validations[contract.file]


def validate_profile(contract: Contract, header: list[str], profile: dict) -> SuiteOutcome:
    """Run the contract's suite on the load profile; header names become the frame's columns."""
    import pandas as pd

    values = {c: profile.get(c) for c in PROFILE_COLUMNS}
    values["valid_rows_if_read"] = profile.get("rows_loaded") if profile.get("status") == "read" else None
    frame = pd.DataFrame([{**{h: None for h in header}, **values}])
    frame = frame.astype({c: "float64" for c in PROFILE_COLUMNS if c != "status"})
    result = _validation(contract).run(batch_parameters={"dataframe": frame})
    outcomes = []
    for r in result.results:
        config = r.expectation_config
        observed = r.result.get("observed_value")
        if observed is None:
            observed = r.result.get("partial_unexpected_list")
        if observed is None and r.result.get("details"):
            observed = r.result["details"]
        outcomes.append(
            ExpectationOutcome(
                expectation=config.type,
                column=config.kwargs.get("column"),
                success=bool(r.success),
                observed=str(observed) if observed is not None else "",
            )
        )
    return SuiteOutcome(success=bool(result.success), outcomes=outcomes)
