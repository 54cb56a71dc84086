"""The metric catalog: load catalog.yaml, apply a district's overrides, validate, fingerprint.

Defaults live in catalog.yaml beside this module. A `metrics:` section of the YAML file named by
$ALIGNBOARD_CONFIG changes targets, bands, min_n or parameters of a metric, or adds a metric
with its own SQL file, without a code change (docs/metrics.md). What a value means is pinned by
its version: an override that changes a definition field without raising `version` is refused,
and catalog.lock records the fingerprint of every shipped version so a silent edit of a default
definition fails the tests. Run `python -m assets.metrics.catalog --write-lock` after bumping.
"""
from __future__ import annotations

import argparse
import copy
import functools
import hashlib
import json

import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from assets.config import config_path as configured_path
from assets.config import read_mapping
from data_contracts.vocabulary import LEVELS

HERE = Path(__file__).parent
DEFAULTS_FILE = HERE / "catalog.yaml"
LOCK_FILE = HERE / "catalog.lock"
SQL_DIR = HERE / "sql"

KINDS = ("student", "perception", "systems")
DIRECTIONS = ("higher", "lower")
UNITS = ("share", "hours", "value", "count")
REQUIRED = (
    "name", "perspective", "kind", "levels", "direction", "unit", "numerator", "denominator",
    "target", "near", "min_n", "n_unit", "version", "definition", "sql",
)
OPTIONAL = {
    "near_mode": "absolute", "prep": [], "parameters": {}, "requires": [], "split_by": None,
    "output": "units", "scorecard_rows": "all_entities", "optional": False, "targets": {},
}
# Fields that change what a value means: changing one needs a higher version.
DEFINITION_FIELDS = ("kind", "direction", "unit", "numerator", "denominator", "definition",
                     "sql", "prep", "parameters", "output")
NEEDS_KEYS = {"large_gap_bands": float, "systemic_min_metrics": int}
# Parameter names the engine binds itself (engine.py); a metric parameter may not reuse them.
ENGINE_PARAMETERS = ("metric_id", "as_of", "levels", "first_cell_id", "metric_version", "min_n", "n_unit")
# Texts rendered from the parameters, so what a tile says is what was computed.
RENDERED_FIELDS = ("numerator", "denominator", "definition")
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*(?:\|\s*([a-z]+)\s*)?\}\}")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_TABLE = re.compile(r"^[a-z_]+\.[a-z_][a-z0-9_]*$")


class CatalogError(ValueError):
    """A catalog or override that cannot be used; the message names the metric and field."""


@dataclass(frozen=True)
class Metric:
    """One metric family. Dotted ids (proficiency_rate.ela) share their family's definition."""

    id: str
    name: str
    perspective: str
    kind: str
    levels: tuple[str, ...]
    direction: str
    unit: str
    numerator: str
    denominator: str
    target: float | None
    near: float
    near_mode: str
    min_n: int
    n_unit: str
    version: int
    definition: str
    sql_path: Path
    prep: tuple[str, ...] = ()
    parameters: dict = field(default_factory=dict)
    requires: tuple[str, ...] = ()
    split_by: str | None = None
    output: str = "units"
    scorecard_rows: str = "all_entities"
    optional: bool = False
    targets: dict = field(default_factory=dict)  # dotted id -> {"target": x, "near": y}

    def sql_text(self) -> str:
        return self.sql_path.read_text(encoding="utf-8")

    def prep_paths(self) -> list[Path]:
        return [SQL_DIR / f"prep_{name}.sql" for name in self.prep]

    def fingerprint(self) -> str:
        """Hash of everything that defines the values (SQL without comments or spacing)."""
        payload = {
            "kind": self.kind, "direction": self.direction, "unit": self.unit,
            "numerator": self.numerator, "denominator": self.denominator,
            "definition": " ".join(self.definition.split()), "output": self.output,
            "parameters": self.parameters, "sql": _normalize_sql(self.sql_text()),
            "prep": [_normalize_sql(p.read_text(encoding="utf-8")) for p in self.prep_paths()],
        }
        text = json.dumps(payload, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Catalog:
    metrics: dict[str, Metric]
    perspectives: tuple[str, ...]
    large_gap_bands: float
    systemic_min_metrics: int

    def family(self, metric_id: str) -> Metric:
        return self.metrics[metric_id.split(".", 1)[0]]


def _normalize_sql(text: str) -> str:
    return " ".join(re.sub(r"--[^\n]*", "", text).split())


def _read_yaml(path: Path) -> dict:
    """The file's mapping. Parsed once per version of the file (0.2 s for the catalog, which the
    dashboard's plan pages read several times a draw); each caller gets its own copy."""
    try:
        stat = Path(path).stat()
    except OSError:
        return read_mapping(path, CatalogError)  # says which file and why
    return copy.deepcopy(_parsed_yaml(str(path), stat.st_mtime_ns, stat.st_size))


@functools.lru_cache(maxsize=8)
def _parsed_yaml(path: str, mtime_ns: int, size: int) -> dict:
    return read_mapping(Path(path), CatalogError)


def _text_value(value, style: str | None) -> str:
    """A parameter as the definition text shows it: 0.1|percent -> 10%, a list -> a, b."""
    if style == "percent":
        return f"{value * 100:g}%"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return ", ".join(f"{key} {_text_value(item, None)}" for key, item in value.items())
    if isinstance(value, list):
        separator = "; " if any(isinstance(item, dict) for item in value) else ", "
        return separator.join(_text_value(item, None) for item in value)
    return str(value)


def render_text(metric_id: str, name: str, template: str, parameters: dict) -> str:
    """`template` with each {{parameter}} (or {{parameter|percent}}) written out."""
    def fill(match: re.Match) -> str:
        parameter, style = match.group(1), match.group(2)
        if parameter not in parameters:
            raise CatalogError(f"metric {metric_id}: {name} names {{{{{parameter}}}}}, which is not a parameter")
        if style not in (None, "percent"):
            raise CatalogError(f"metric {metric_id}: {name}: unknown style |{style} (only |percent)")
        if style == "percent" and (isinstance(parameters[parameter], bool)
                                   or not isinstance(parameters[parameter], (int, float))):
            raise CatalogError(f"metric {metric_id}: {name}: |percent needs a number, {parameter} is not one")
        return _text_value(parameters[parameter], style)
    return " ".join(_PLACEHOLDER.sub(fill, template).split())


def _number(metric_id: str, name: str, value, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise CatalogError(f"metric {metric_id}: {name} must be a number, not {value!r}")
    return float(value)


def _whole(metric_id: str, name: str, value, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise CatalogError(f"metric {metric_id}: {name} must be a whole number >= {minimum}, not {value!r}")
    return value


def _parse_metric(metric_id: str, raw: dict, sql_dir: Path, perspectives: tuple[str, ...]) -> Metric:
    """Validate one complete metric entry and build its Metric."""
    if not _ID.match(metric_id):
        raise CatalogError(f"metric id {metric_id!r} must be lower_snake_case without dots")
    unknown = sorted(set(raw) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise CatalogError(f"metric {metric_id}: unknown field(s) {', '.join(unknown)}")
    missing = [key for key in REQUIRED if key not in raw]
    if missing:
        raise CatalogError(f"metric {metric_id}: missing field(s) {', '.join(missing)}")
    entry = {**OPTIONAL, **raw}

    def choice(name: str, allowed: tuple[str, ...]) -> str:
        if entry[name] not in allowed:
            raise CatalogError(f"metric {metric_id}: {name} must be one of {', '.join(allowed)}, not {entry[name]!r}")
        return entry[name]

    for name in ("name", "numerator", "denominator", "n_unit", "definition", "sql"):
        if not isinstance(entry[name], str) or not entry[name].strip():
            raise CatalogError(f"metric {metric_id}: {name} must be non-empty text")
    if entry["perspective"] not in perspectives:
        raise CatalogError(
            f"metric {metric_id}: perspective {entry['perspective']!r} is not one of: {', '.join(perspectives)}"
        )
    kind = choice("kind", KINDS)
    levels = entry["levels"]
    if not isinstance(levels, list) or not levels or any(level not in LEVELS for level in levels):
        raise CatalogError(f"metric {metric_id}: levels must be a non-empty list of {', '.join(LEVELS)}")
    if "student" in levels and kind != "student":
        raise CatalogError(f"metric {metric_id}: only student metrics exist at the student level")
    sql_path = (sql_dir / entry["sql"]).resolve()
    if not sql_path.is_file():
        raise CatalogError(f"metric {metric_id}: sql file {sql_path} does not exist")
    prep = entry["prep"]
    if not isinstance(prep, list) or any(not (SQL_DIR / f"prep_{p}.sql").is_file() for p in prep):
        raise CatalogError(f"metric {metric_id}: prep must list names of sql/prep_<name>.sql files")
    if not isinstance(entry["parameters"], dict):
        raise CatalogError(f"metric {metric_id}: parameters must be a mapping")
    for name in entry["parameters"]:
        if not _ID.match(str(name)):
            raise CatalogError(f"metric {metric_id}: parameter name {name!r} must be lower_snake_case")
        if name in ENGINE_PARAMETERS:
            raise CatalogError(f"metric {metric_id}: parameter name {name} is reserved for the engine")
    texts = {name: render_text(metric_id, name, entry[name], entry["parameters"]) for name in RENDERED_FIELDS}
    requires = entry["requires"]
    if not isinstance(requires, list) or any(not _TABLE.match(str(t)) for t in requires):
        raise CatalogError(f"metric {metric_id}: requires must list schema.table names")
    if not isinstance(entry["optional"], bool):
        raise CatalogError(f"metric {metric_id}: optional must be true or false")
    targets = entry["targets"]
    if not isinstance(targets, dict):
        raise CatalogError(f"metric {metric_id}: targets must map dotted metric ids to a target")
    sub_targets = {}
    for sub_id, sub in targets.items():
        if not str(sub_id).startswith(metric_id + "."):
            raise CatalogError(f"metric {metric_id}: targets key {sub_id!r} must start with {metric_id}.")
        if not isinstance(sub, dict) or set(sub) - {"target", "near"}:
            raise CatalogError(f"metric {metric_id}: targets.{sub_id} must be a mapping with target and/or near")
        sub_targets[str(sub_id)] = {
            "target": _number(metric_id, f"targets.{sub_id}.target", sub.get("target"), allow_none=True),
            "near": _number(metric_id, f"targets.{sub_id}.near", sub.get("near"), allow_none=True),
        }
    near = _number(metric_id, "near", entry["near"])
    if near < 0:
        raise CatalogError(f"metric {metric_id}: near must be >= 0")
    return Metric(
        id=metric_id,
        name=entry["name"].strip(),
        perspective=entry["perspective"],
        kind=kind,
        levels=tuple(level for level in LEVELS if level in levels),
        direction=choice("direction", DIRECTIONS),
        unit=choice("unit", UNITS),
        numerator=texts["numerator"],
        denominator=texts["denominator"],
        target=_number(metric_id, "target", entry["target"], allow_none=True),
        near=near,
        near_mode=choice("near_mode", ("absolute", "relative")),
        min_n=_whole(metric_id, "min_n", entry["min_n"], 0),
        n_unit=entry["n_unit"].strip(),
        version=_whole(metric_id, "version", entry["version"], 1),
        definition=texts["definition"],
        sql_path=sql_path,
        prep=tuple(prep),
        parameters=dict(entry["parameters"]),
        requires=tuple(requires),
        split_by=entry["split_by"],
        output=choice("output", ("units", "cells")),
        scorecard_rows=choice("scorecard_rows", ("all_entities", "observed")),
        optional=entry["optional"],
        targets=sub_targets,
    )


def _merge_override(metric_id: str, default_raw: dict, override: dict) -> dict:
    """A default entry with a district's changes; parameters and targets merge key by key."""
    unknown_params = sorted(set(override.get("parameters") or {}) - set(default_raw.get("parameters") or {}))
    if unknown_params:
        raise CatalogError(f"metric {metric_id}: unknown parameter(s) {', '.join(unknown_params)}")
    for name, value in (override.get("parameters") or {}).items():
        if not _same_kind(default_raw["parameters"][name], value):
            raise CatalogError(
                f"metric {metric_id}: parameter {name} must be like its default "
                f"{default_raw['parameters'][name]!r}, not {value!r}"
            )
    merged = {**default_raw, **override}
    for key in ("parameters", "targets"):
        if key in override:
            if not isinstance(override[key], dict):
                raise CatalogError(f"metric {metric_id}: {key} must be a mapping")
            merged[key] = {**(default_raw.get(key) or {}), **override[key]}
    return merged


def _same_kind(default, value) -> bool:
    """A parameter override keeps its default's type (a number stays a number, a list a list)."""
    def kind(x):
        if isinstance(x, bool):
            return "bool"
        return "number" if isinstance(x, (int, float)) else type(x).__name__
    return kind(default) == kind(value)


def _check_version_bump(default: Metric, merged: Metric) -> None:
    changed = [name for name in DEFINITION_FIELDS if getattr(default, _attr(name)) != getattr(merged, _attr(name))]
    if changed and merged.version <= default.version:
        raise CatalogError(
            f"metric {default.id}: {', '.join(changed)} changed, so the definition changed; "
            f"set version to {default.version + 1} or higher (it is {merged.version})"
        )


def _attr(field_name: str) -> str:
    return "sql_path" if field_name == "sql" else field_name


def load_catalog(config_path: str | Path | None = None) -> Catalog:
    """The catalog with the overrides of `config_path` (default: $ALIGNBOARD_CONFIG, if set)."""
    defaults = _read_yaml(DEFAULTS_FILE)
    if config_path is None:
        config_path = configured_path()
    config = _read_yaml(Path(config_path)) if config_path else {}
    config_dir = Path(config_path).resolve().parent if config_path else SQL_DIR

    perspectives = tuple(config.get("perspectives") or defaults["perspectives"])
    if not all(isinstance(p, str) and p.strip() for p in perspectives):
        raise CatalogError("perspectives must be a list of names")

    needs = dict(defaults.get("needs_assessment") or {})
    needs_override = config.get("needs_assessment") or {}
    if not isinstance(needs_override, dict) or set(needs_override) - set(NEEDS_KEYS):
        raise CatalogError(f"needs_assessment accepts only: {', '.join(NEEDS_KEYS)}")
    needs.update(needs_override)
    large_gap_bands = needs["large_gap_bands"]
    systemic_min = needs["systemic_min_metrics"]
    if isinstance(large_gap_bands, bool) or not isinstance(large_gap_bands, (int, float)) or large_gap_bands < 0:
        raise CatalogError("needs_assessment.large_gap_bands must be a number >= 0")
    if isinstance(systemic_min, bool) or not isinstance(systemic_min, int) or systemic_min < 1:
        raise CatalogError("needs_assessment.systemic_min_metrics must be a whole number >= 1")

    overrides = config.get("metrics") or {}
    if not isinstance(overrides, dict):
        raise CatalogError(f"{config_path}: metrics must map metric ids to settings")
    metrics: dict[str, Metric] = {}
    for metric_id, raw in defaults["metrics"].items():
        default = _parse_metric(metric_id, raw, SQL_DIR, perspectives)
        override = overrides.get(metric_id)
        if override is None:
            metrics[metric_id] = default
            continue
        if not isinstance(override, dict):
            raise CatalogError(f"metric {metric_id}: its override must be a mapping")
        merged_raw = _merge_override(metric_id, raw, override)
        sql_dir = config_dir if "sql" in override else SQL_DIR
        merged = _parse_metric(metric_id, merged_raw, sql_dir, perspectives)
        _check_version_bump(default, merged)
        metrics[metric_id] = merged
    for metric_id, raw in overrides.items():
        if metric_id in metrics:
            continue
        if not isinstance(raw, dict):
            raise CatalogError(f"metric {metric_id}: its definition must be a mapping")
        metrics[metric_id] = _parse_metric(metric_id, raw, config_dir, perspectives)
    return Catalog(
        metrics=metrics,
        perspectives=perspectives,
        large_gap_bands=float(large_gap_bands),
        systemic_min_metrics=systemic_min,
    )


def with_overrides(catalog: Catalog, **metric_changes: dict) -> Catalog:
    """A copy of `catalog` with fields of some metrics replaced (tests and benchmarks)."""
    metrics = dict(catalog.metrics)
    for metric_id, changes in metric_changes.items():
        metrics[metric_id] = replace(metrics[metric_id], **changes)
    return replace(catalog, metrics=metrics)


def read_lock() -> dict[str, dict[int, str]]:
    if not LOCK_FILE.exists():
        return {}
    data = yaml.safe_load(LOCK_FILE.read_text(encoding="utf-8")) or {}
    return {metric_id: {int(v): fp for v, fp in versions.items()} for metric_id, versions in data.items()}


def lock_problems(catalog: Catalog) -> list[str]:
    """Shipped metrics whose definition changed without a version bump (or is not locked)."""
    lock = read_lock()
    problems = []
    for metric in catalog.metrics.values():
        locked = lock.get(metric.id, {}).get(metric.version)
        if locked is None:
            problems.append(f"{metric.id} version {metric.version} is not in catalog.lock")
        elif locked != metric.fingerprint():
            problems.append(
                f"{metric.id}: the definition changed but version {metric.version} is locked to "
                f"another definition; bump its version in catalog.yaml"
            )
    return problems


def write_lock(catalog: Catalog) -> None:
    """Record the fingerprint of each metric's current version; never rewrite a locked version."""
    lock = read_lock()
    for metric in catalog.metrics.values():
        versions = lock.setdefault(metric.id, {})
        locked = versions.get(metric.version)
        if locked is not None and locked != metric.fingerprint():
            raise CatalogError(f"{metric.id}: version {metric.version} is locked to another definition; bump it")
        versions[metric.version] = metric.fingerprint()
    header = "# Fingerprints of every shipped metric version (python -m assets.metrics.catalog --write-lock).\n"
    LOCK_FILE.write_text(header + yaml.safe_dump(lock, sort_keys=True), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check or update the metric catalog lock.")
    parser.add_argument("--write-lock", action="store_true", help="record fingerprints of new versions")
    args = parser.parse_args(argv)
    try:
        catalog = load_catalog(config_path="")  # the shipped defaults only
        if args.write_lock:
            write_lock(catalog)
        problems = lock_problems(catalog)
    except CatalogError as error:
        print(f"catalog: {error}", file=sys.stderr)
        return 1
    for problem in problems:
        print(f"catalog: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
