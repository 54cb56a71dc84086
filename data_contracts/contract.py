"""Load the landing-file contracts (one YAML per file) into plain dataclasses.

The YAML is the single source of truth: the quarantine SQL (row_rules.py) and the Great
Expectations suites (gx_suite.py) are both compiled from these objects.
"""
from __future__ import annotations

import graphlib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from data_contracts import vocabulary

CONTRACT_DIR = Path(__file__).parent
COLUMN_TYPES = {"id", "code", "name", "text", "integer", "number", "date", "boolean", "school_year"}
SQL_TYPES = {
    "id": "VARCHAR",
    "code": "VARCHAR",
    "name": "VARCHAR",
    "text": "VARCHAR",
    "integer": "INTEGER",
    "number": "DOUBLE",
    "date": "DATE",
    "boolean": "BOOLEAN",
    "school_year": "INTEGER",
}


# The text kinds, and the longest value each holds unless its column sets `max_length`: an id or
# a code is a short token, a name a line of text (a school, a course, a title), text free prose.
MAX_LENGTH = {"id": 64, "code": 64, "name": 200, "text": 4000}
# Kinds that are one token or one line: never a line break, tab or other control character.
SINGLE_LINE = {"id", "code", "name"}
QUARANTINE_WARNING = 0.01  # a loaded file with a larger share of its rows quarantined has warnings


class ContractError(ValueError):
    """A contract YAML that cannot be used: the message names the file and the field."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    allowed: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    optional: bool = False  # the file may leave the column out; it then loads as blank
    max_length: int | None = None  # characters; MAX_LENGTH of its kind unless the contract sets it
    district_codes: bool = False  # a code whose values the district defines (its config may list them)

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]

    @property
    def is_text(self) -> bool:
        return self.type in MAX_LENGTH

    @property
    def length_limit(self) -> int | None:
        return self.max_length or MAX_LENGTH.get(self.type)


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    references: str  # another contract's file name; its columns have the same names

    @property
    def reason(self) -> str:
        return f"orphan:{self.references}"


@dataclass(frozen=True)
class Rule:
    name: str
    valid_when: str  # a DuckDB boolean expression over the typed row, aliased `candidate`

    @property
    def reason(self) -> str:
        return f"rule:{self.name}"


@dataclass(frozen=True)
class Contract:
    file: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    required_file: bool = False
    derived: dict[str, str] = field(default_factory=dict)
    foreign_keys: tuple[ForeignKey, ...] = ()
    rules: tuple[Rule, ...] = ()
    freshness: str | None = None
    max_row_change: float = 0.5  # valid rows may differ from the baseline by this factor: 0.5 = 1.5x
    row_change_floor: int = 10  # ... or by this many rows, whatever the factor (small files)
    quarantine_warning: float = QUARANTINE_WARNING  # quarantined share above which a load has warnings

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_column_names(self) -> list[str]:
        """The columns every file must have in its header (optional ones may be left out)."""
        return [c.name for c in self.columns if not c.optional]

    @property
    def depends_on(self) -> set[str]:
        """Files whose staged rows this file's checks read (foreign keys and rule look-ups)."""
        deps = {fk.references for fk in self.foreign_keys}
        for rule in self.rules:
            deps |= set(re.findall(r"staging\.(\w+)", rule.valid_when))
        return deps - {self.file}

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _allowed(where: str, column: str, allowed: object) -> list | tuple | None:
    """A column's allowed codes: a YAML list, or `vocabulary.NAME` for a list kept in vocabulary.py."""
    if not isinstance(allowed, str):
        return allowed
    name = allowed.removeprefix("vocabulary.")
    if not allowed.startswith("vocabulary.") or not isinstance(getattr(vocabulary, name, None), tuple):
        raise ContractError(f"{where}: column {column}: allowed must be a list or vocabulary.<NAME>, not {allowed!r}")
    return getattr(vocabulary, name)


def _parse(path: Path) -> Contract:
    where = path.name
    try:
        doc = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise ContractError(f"{where}: not valid YAML ({exc})") from exc
    columns = []
    for name, spec in (doc.get("columns") or {}).items():
        spec = spec or {}
        if spec.get("type") not in COLUMN_TYPES:
            raise ContractError(f"{where}: column {name}: type must be one of {sorted(COLUMN_TYPES)}")
        allowed = _allowed(where, name, spec.get("allowed"))
        max_length = spec.get("max_length")
        if max_length is not None and (spec["type"] not in MAX_LENGTH or not isinstance(max_length, int)
                                       or max_length < 1):
            raise ContractError(f"{where}: column {name}: max_length must be a positive integer on a text column")
        if spec.get("district_codes") and (spec["type"] != "code" or allowed):
            raise ContractError(f"{where}: column {name}: district_codes is for a code column without `allowed`")
        columns.append(
            Column(
                name=name,
                type=spec["type"],
                required=bool(spec.get("required", False)),
                allowed=tuple(str(a) for a in allowed) if allowed else None,
                min=spec.get("min"),
                max=spec.get("max"),
                min_exclusive=bool(spec.get("min_exclusive", False)),
                optional=bool(spec.get("optional", False)),
                max_length=max_length,
                district_codes=bool(spec.get("district_codes", False)),
            )
        )
    names = {c.name for c in columns}
    key = tuple(doc.get("key") or ())
    derived = dict(doc.get("derived") or {})
    for k in key:
        if k not in names:
            raise ContractError(f"{where}: key column {k} is not a declared column")
    fks = tuple(
        ForeignKey(columns=tuple(fk["columns"]), references=fk["references"])
        for fk in doc.get("foreign_keys") or ()
    )
    for fk in fks:
        for col in fk.columns:
            if col not in names and col not in derived:
                raise ContractError(f"{where}: foreign key column {col} is not a declared column")
    rules = tuple(Rule(name=r["name"], valid_when=r["valid_when"]) for r in doc.get("rules") or ())
    if doc.get("file") != path.stem:
        raise ContractError(f"{where}: 'file' must be {path.stem!r}")
    return Contract(
        file=doc["file"],
        description=doc.get("description", ""),
        columns=tuple(columns),
        key=key,
        required_file=bool(doc.get("required_file", False)),
        derived=derived,
        foreign_keys=fks,
        rules=rules,
        freshness=doc.get("freshness"),
        max_row_change=float(doc.get("max_row_change", 0.5)),
        row_change_floor=int(doc.get("row_change_floor", 10)),
        quarantine_warning=float(doc.get("quarantine_warning", QUARANTINE_WARNING)),
    )


@cache
def load_contracts() -> dict[str, Contract]:
    """All contracts, in an order where every file comes after the files it references."""
    contracts = {c.file: c for c in (_parse(p) for p in sorted(CONTRACT_DIR.glob("*.yaml")))}
    for contract in contracts.values():
        for dep in contract.depends_on:
            if dep not in contracts:
                raise ContractError(f"{contract.file}.yaml: references unknown file {dep}")
    order = graphlib.TopologicalSorter({c.file: c.depends_on for c in contracts.values()})
    return {name: contracts[name] for name in order.static_order()}
