"""Hidden cells of the public release cannot be worked out by subtraction.

An attacker takes every public export of a generated district (3,000 students, seed 7): the
metric values of every level and period (`alignboard export metrics --public --period all`) and
the public CFA cells (mart.cfa_cells as the public sees it: a suppressed cell has no counts). For each metric, school
year and period (and each CFA and standard) the published cells are tied by sums: the groups of
one dimension add up to `all`, classrooms to their PLC, PLCs and grades to the school, schools to
the district, for numerators and denominators alike. A sum is used only where it really holds for
both the numerator and the denominator (checked on the exact values), as an attacker who knows
how the district is organised would know it; a sum that holds for one of them by coincidence
(0 = 0) is not something they could count on. With every published numerator and denominator
known, a hidden one is recovered exactly when the sums fix it: when it lies in the row space of
the equations over the hidden unknowns (no solution of the homogeneous system moves it).
"""
from __future__ import annotations

import collections
import csv
from pathlib import Path

import duckdb
import numpy as np
import pytest
from scipy.sparse import coo_matrix
from scipy.sparse.linalg import lsqr

from pipelines.cli import main

LEVELS = ("district", "department", "school", "plc", "classroom")
SYSTEM = ("metric_id", "metric_version", "school_year", "period")
CFA_CELLS_SQL = """
SELECT 'cfa:' || cfa_id || ':' || standard_code AS metric_id, '' AS metric_version,
       CAST(school_year AS VARCHAR) AS school_year, 'year' AS period, level, entity_id, 'all' AS student_group,
       CASE WHEN suppressed THEN NULL ELSE mastered END AS numerator,
       CASE WHEN suppressed THEN NULL ELSE students END AS denominator,
       mastered AS true_numerator, students AS true_denominator
FROM mart.cfa_cells
"""
TRUE_VALUES_SQL = """
SELECT metric_id, CAST(metric_version AS VARCHAR), CAST(school_year AS VARCHAR), period, level, entity_id,
       student_group, numerator, denominator
FROM mart.metric_values WHERE level <> 'student'
"""


def recoverable(equations: list[dict[int, float]]) -> set[int]:
    """The unknowns that homogeneous linear equations ({unknown: coefficient}) fix: those whose
    unit vector lies in the equations' row space. Exact rules first (an equation with one
    unknown fixes it; an unknown in a single equation frees that equation), then, for what is
    left, the projection of random vectors onto the null space (LSQR on the sparse system): an
    unknown is fixed when every null-space vector is zero there."""
    live = dict(enumerate(dict(e) for e in equations if e))
    where = collections.defaultdict(set)
    for k, equation in live.items():
        for unknown in equation:
            where[unknown].add(k)
    fixed: set[int] = set()
    queue = list(live)
    while queue:
        k = queue.pop()
        equation = live.get(k)
        if equation is None:
            continue
        if not equation:
            del live[k]
        elif len(equation) == 1:
            (unknown,) = equation
            fixed.add(unknown)
            del live[k]
            for other in where.pop(unknown, set()) - {k}:
                live[other].pop(unknown, None)
                queue.append(other)
        elif any(len(where[u]) == 1 for u in equation):
            del live[k]
            for unknown in equation:
                where[unknown].discard(k)
                queue.extend(where[unknown])
    if not live:
        return fixed
    unknowns = sorted({u for equation in live.values() for u in equation})
    column = {u: j for j, u in enumerate(unknowns)}
    rows, cols, coefficients = [], [], []
    for r, equation in enumerate(live.values()):
        for unknown, coefficient in equation.items():
            rows.append(r)
            cols.append(column[unknown])
            coefficients.append(coefficient)
    matrix = coo_matrix((coefficients, (rows, cols)), shape=(len(live), len(unknowns))).tocsr()
    rng = np.random.default_rng(7)
    largest = np.zeros(len(unknowns))
    for _ in range(2):
        vector = rng.standard_normal(len(unknowns))
        solution, stop = lsqr(matrix, matrix @ vector, atol=1e-15, btol=1e-15, iter_lim=50_000)[:2]
        assert stop != 7, "LSQR did not converge"
        largest = np.maximum(largest, np.abs(vector - solution))
    return fixed | {unknowns[j] for j in np.flatnonzero(largest < 1e-6)}


def test_the_solver_recovers_a_cell_hidden_alone_and_no_cell_of_a_hidden_pair():
    # total 30 = a + 18 with a hidden: a = 12
    assert recoverable([{0: 1}]) == {0}
    # a + b = 30 - 18 - 0: any split of 12
    assert recoverable([{0: 1, 1: 1}]) == set()
    # a + b = 12 and b = 5 (b alone in another sum): both follow
    assert recoverable([{0: 1, 1: 1}, {1: 1}]) == {0, 1}
    # a + b, a + c, b + c known: three independent equations fix all three (a = (ab + ac - bc) / 2)
    assert recoverable([{0: 1, 1: 1}, {0: 1, 2: 1}, {1: 1, 2: 1}]) == {0, 1, 2}
    # a 2 x 2 table with all four hidden and its margins known: a + t, b - t, c - t, d + t fit too
    assert recoverable([{0: 1, 1: 1}, {2: 1, 3: 1}, {0: 1, 2: 1}, {1: 1, 3: 1}]) == set()
    # total minus parts, written as the test writes it (total -1, parts +1): the hidden total of
    # published parts follows
    assert recoverable([{0: -1}]) == {0}


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Path:
    """The warehouse of `alignboard generate --students 3000 --seed 7` then `alignboard load`."""
    folder = tmp_path_factory.mktemp("differencing")
    landing, warehouse = folder / "landing", folder / "warehouse.duckdb"
    assert main(["generate", "--out", str(landing), "--students", "3000", "--seed", "7"]) == 0
    assert main(["load", "--landing", str(landing), "--warehouse", str(warehouse)]) == 0
    return warehouse


def _published(warehouse: Path, folder: Path) -> tuple[dict[tuple, dict[tuple, list]], dict]:
    """(system -> (level, entity, group) -> [published numerator, published denominator, true
    numerator, true denominator], None where the public output leaves a count blank; entity ->
    its parent)."""
    cells: dict[tuple, dict[tuple, list]] = collections.defaultdict(dict)
    for level in LEVELS:
        out = folder / f"{level}.csv"
        assert main(["export", "metrics", "--public", "--level", level, "--period", "all",
                     "--warehouse", str(warehouse), "--out", str(out)]) == 0
        with out.open(newline="", encoding="utf-8") as file:
            for row in csv.DictReader(file):
                published = [float(row[c]) if row[c] != "" else None for c in ("numerator", "denominator")]
                cells[tuple(row[c] for c in SYSTEM)][(level, row["entity_id"], row["student_group"])] = published
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for *system, level, entity, group, numerator, denominator in con.execute(TRUE_VALUES_SQL).fetchall():
            cell = cells[tuple(system)].get((level, entity, group))
            if cell is not None:
                cell += [numerator, denominator]
        for *system, level, entity, group, numerator, denominator, true_n, true_d in con.execute(
                CFA_CELLS_SQL).fetchall():
            cells[tuple(system)][(level, entity, group)] = [numerator, denominator, true_n, true_d]
        parents = dict(((level, entity), (parent_level, parent)) for level, entity, parent_level, parent in con.execute(
            "SELECT entity_level, entity_id, parent_level, parent_id FROM staging.org_hierarchy "
            "WHERE parent_id IS NOT NULL").fetchall())
    return cells, parents


def _sums(cells: dict[tuple, list], parents: dict) -> list[tuple[tuple, list[tuple]]]:
    """(total, parts) of every sum the structure offers: the groups of a dimension and `all`;
    the children of a parent and the parent, for each group."""
    by_dimension, by_parent = collections.defaultdict(list), collections.defaultdict(list)
    for level, entity, group in cells:
        if group != "all":
            by_dimension[(level, entity, group.split(":")[0])].append((level, entity, group))
        parent = parents.get((level, entity))
        if parent:
            by_parent[(parent, level, group)].append((level, entity, group))
    sums = [((level, entity, "all"), parts) for (level, entity, _), parts in by_dimension.items()]
    sums += [((parent[0], parent[1], group), parts) for (parent, _, group), parts in by_parent.items()]
    return [(total, parts) for total, parts in sums if total in cells]


def _holds(cells, total, parts, i) -> bool:
    return abs(sum(cells[p][i] for p in parts) - cells[total][i]) <= 1e-6 * max(1.0, abs(cells[total][i]))


def test_no_hidden_public_cell_can_be_worked_out_from_the_published_sums(district, tmp_path):
    systems, parents = _published(district, tmp_path)
    hidden_counts = used_sums = 0
    found = []
    for system, cells in systems.items():
        sums = [(t, ps) for t, ps in _sums(cells, parents) if _holds(cells, t, ps, 2) and _holds(cells, t, ps, 3)]
        for i, what in ((0, "numerator"), (1, "denominator")):
            hidden = {cell: k for k, cell in enumerate(c for c, v in cells.items() if v[i] is None)}
            hidden_counts += len(hidden)
            equations = []
            for total, parts in sums:
                equation = collections.Counter({hidden[total]: -1} if total in hidden else {})
                equation.update({hidden[p]: 1 for p in parts if p in hidden})
                if equation:
                    equations.append(dict(equation))
            used_sums += len(equations)
            names = {k: cell for cell, k in hidden.items()}
            found += [(system, names[k], what, cells[names[k]][i + 2]) for k in recoverable(equations)]
    print(f"{hidden_counts} hidden counts, {used_sums} sums over them")
    assert hidden_counts > 100_000 and used_sums > 10_000  # the release hides a lot, and the sums tie it
    assert not found, f"{len(found)} hidden counts can be worked out, e.g. {found[:5]}"
