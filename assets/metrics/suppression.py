"""Mark the cells that public output may not show (minimum n, top and bottom coding, complementary).

Primary: fewer than the metric's min_n units, or a share at either end of its range (top and
bottom coding, NCES 2011-603: 11 of 11 students chronically absent discloses every one of them).
Complementary: where a breakdown (a total and the parts that add up to it: the groups of one
dimension and the entity's 'all'; the child entities of one parent and the parent) has exactly
one hidden population, the next smallest part is hidden too, repeated until nothing changes, so
no hidden value can be derived by subtraction. Cells that are one population (a single-group
breakdown and its 'all', a school's grade and its grade PLC) are hidden together and count as one
(DESIGN.md "Privacy"). The marts keep the values; a coded cell also keeps the range it may be
shown as (value_range); the query layer (dashboards/queries) blanks the values for the audiences that must not see
them. Reasons are words a person reads, never codes.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from assets.config import config_path, read_mapping
from assets.metrics import sqltext

MAX_ROUNDS = 100
COMPLEMENTARY_REASON = "hidden so another hidden value cannot be worked out"
DEFAULTS_FILE = Path(__file__).with_name("disclosure.yaml")
NO_LIMIT = 2**62  # the max_n of the last band


class DisclosureError(ValueError):
    """A coding band that cannot be used; the message names the file and the band."""


@dataclass(frozen=True)
class CodingBand:
    max_n: int | None  # None: any n
    bottom: float
    top: float

    def bottom_text(self) -> str:
        return f"<={_percent(self.bottom)}"

    def top_text(self) -> str:
        return f">={_percent(self.top)}"

    def bottom_words(self) -> str:
        return f"{_percent(self.bottom)} or less"

    def top_words(self) -> str:
        return f"{_percent(self.top)} or more"


def _percent(share: float) -> str:
    return f"{share * 100:.4g}%"


def _bands(raw: object, where: str) -> list[CodingBand]:
    if not isinstance(raw, list) or not raw:
        raise DisclosureError(f"{where}: disclosure coding must be a list of {{max_n, bottom, top}} bands")
    bands = []
    for i, band in enumerate(raw, 1):
        if not isinstance(band, dict) or set(band) != {"max_n", "bottom", "top"}:
            raise DisclosureError(f"{where}: coding band {i} needs exactly max_n, bottom and top")
        max_n, bottom, top = band["max_n"], band["bottom"], band["top"]
        if max_n is not None and (isinstance(max_n, bool) or not isinstance(max_n, int) or max_n < 1):
            raise DisclosureError(f"{where}: coding band {i}: max_n must be a whole number >= 1 or null")
        numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (bottom, top))
        if not numbers or not 0 <= bottom < 0.5 < top <= 1:
            raise DisclosureError(f"{where}: coding band {i}: need 0 <= bottom < 0.5 < top <= 1")
        bands.append(CodingBand(max_n, float(bottom), float(top)))
    limits = [b.max_n for b in bands]
    if None in limits[:-1] or limits != sorted(limits, key=lambda m: NO_LIMIT if m is None else m) \
            or len(set(limits)) != len(limits):
        raise DisclosureError(f"{where}: coding bands must have increasing max_n, null only on the last")
    return bands


def load_coding_bands() -> list[CodingBand]:
    """The shipped bands (disclosure.yaml), or the `disclosure: coding:` list of $ALIGNBOARD_CONFIG."""
    raw = read_mapping(DEFAULTS_FILE, DisclosureError)["coding"]
    where = str(DEFAULTS_FILE)
    config = config_path()
    if config:
        section = read_mapping(config, DisclosureError).get("disclosure") or {}
        if not isinstance(section, dict) or set(section) - {"coding", "staff"}:
            raise DisclosureError(f"{config}: the disclosure section has two settings, coding and staff")
        if "coding" in section:
            raw, where = section["coding"], str(config)
    return _bands(raw, where)


STAFF_RULES = ("exact", "public")


def load_staff_rules() -> str:
    """How cells are hidden from staff without student access: 'exact' (only cells under the
    metric's minimum n) or 'public' (the public rules); disclosure.yaml's `staff`, or the
    `disclosure: staff:` setting of $ALIGNBOARD_CONFIG."""
    rules, where = read_mapping(DEFAULTS_FILE, DisclosureError)["staff"], str(DEFAULTS_FILE)
    config = config_path()
    if config:
        section = read_mapping(config, DisclosureError).get("disclosure") or {}
        if isinstance(section, dict) and "staff" in section:
            rules, where = section["staff"], str(config)
    if rules not in STAFF_RULES:
        raise DisclosureError(f"{where}: disclosure staff must be exact or public, not {rules!r}")
    return rules


def apply_suppression(con: duckdb.DuckDBPyConnection, cells: str, coded_families: Sequence[str] = (),
                      bands: Sequence[CodingBand] = ()) -> int:
    """Mark `cells` (cell_id, metric_id, metric_version, school_year, period, level, entity_id,
    student_group, numerator, denominator, value, n, min_n, n_unit, suppressed,
    suppression_reason; a value_range column is added if missing); return how many cells are
    suppressed. Cells of `coded_families` are top and bottom coded with `bands`. Needs
    staging.org_hierarchy for the parents of entities."""
    table = {"cells": sqltext.table(cells)}
    con.execute(f"ALTER TABLE {table['cells']} ADD COLUMN IF NOT EXISTS value_range VARCHAR")
    con.execute("CREATE OR REPLACE TEMP TABLE coding_families (family VARCHAR)")
    con.execute("CREATE OR REPLACE TEMP TABLE coding_bands (max_n BIGINT, bottom DOUBLE, top DOUBLE, "
                "bottom_text VARCHAR, top_text VARCHAR, bottom_words VARCHAR, top_words VARCHAR)")
    if coded_families and bands:
        con.executemany("INSERT INTO coding_families VALUES (?)", [[f] for f in coded_families])
        con.executemany("INSERT INTO coding_bands VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [[NO_LIMIT if b.max_n is None else b.max_n, b.bottom, b.top, b.bottom_text(), b.top_text(),
                          b.bottom_words(), b.top_words()] for b in bands])
    sqltext.run_script(con, sqltext.fill(sqltext.read("suppress_prepare.sql"), table))
    _repeat(con, sqltext.read("suppress_populations.sql"), "merging cells that are one population")
    sqltext.run_script(con, sqltext.read("suppress_candidates.sql"))
    _repeat(con, sqltext.read("suppress_complementary.sql"), "complementary suppression", numbered=True)
    sqltext.run_script(con, sqltext.fill(sqltext.read("suppress_apply.sql"), table),
                       {"complementary_reason": COMPLEMENTARY_REASON})
    for name in ("suppression_slices", "suppression_entities", "suppression_groups", "suppression_cells",
                 "suppression_members", "suppression_twins", "suppression_populations", "suppression_work",
                 "suppression_hidden", "suppression_candidates", "coding_families", "coding_bands"):
        con.execute(f"DROP TABLE {name}")
    return con.execute(f"SELECT count(*) FROM {table['cells']} WHERE suppressed").fetchone()[0]


def _repeat(con: duckdb.DuckDBPyConnection, sql: str, what: str, numbered: bool = False) -> None:
    """Run an UPDATE or INSERT round until it changes nothing; a `numbered` round reads its
    number (1, 2 ...) as $round."""
    for number in range(1, MAX_ROUNDS + 1):
        (changed,) = con.execute(sql, {"round": number} if numbered else None).fetchone()
        if not changed:
            return
    raise RuntimeError(f"{what} did not settle in {MAX_ROUNDS} rounds")
