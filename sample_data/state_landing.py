"""A synthetic state: a landing root with one folder per district, each holding that district's
landing files (written by generator.py), for `alignboard state load`.

    from sample_data.state_landing import generate_state
    districts = generate_state("state/", districts=8, students=25_000, seed=42)

Sizes vary around `students` (lognormal); every id is prefixed with the district's number, so
ids are unique across the state; no district has a state_counts.csv (the state's counts are the
roll-up of its districts). One district, the flagged one, has black students clearly
over-identified in every school; in the others no school is, so that district is flagged in
categories the others are not (with 10,000 students a district: identification_all and
mtss_behavior_tier3 besides the ED and ID identification every generated district shows). The
same arguments give byte-identical folders.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from sample_data.generator import Summary, generate
from sample_data.org import DISTRICT_ID
from sample_data.rng import stream

SIZE_SPREAD = 0.35  # sd of the log of a district's size
MIN_STUDENTS = 50
TOWNS = ("Riverbend", "Cedar Falls", "Maple Grove", "Harbor City", "Pine Ridge", "Stone Creek", "Lakeside",
         "Fairview", "Oak Hollow", "Silver Springs", "Granite Bay", "Willow Park")


@dataclass
class StateDistrict:
    district_id: str
    name: str
    students: int
    flagged: bool  # generated with an over-identified group
    summary: Summary


def district_sizes(districts: int, students: int, seed: int, spread: float = SIZE_SPREAD) -> np.ndarray:
    """Each district's students per year: lognormal around `students` (median), at least 50;
    spread 0 makes every district `students`."""
    rng = stream(seed, "state-sizes")
    return np.maximum(MIN_STUDENTS, np.round(students * rng.lognormal(0.0, spread, districts))).astype(int)


def namespace(k: int) -> str:
    """The id prefix of district number k (1-based): fixed width, so prefixed ids never collide."""
    return f"{k:03d}"


def generate_state(out_root: str | os.PathLike, districts: int, students: int, seed: int = 42, years: int = 3,
                   end_year: int | None = None, log: Callable[[str], None] | None = None,
                   size_spread: float = SIZE_SPREAD) -> list[StateDistrict]:
    """Write `districts` district folders under out_root, named by district id."""
    if not 1 <= districts <= 999:
        raise ValueError("districts must be 1 to 999")
    if students < 1 or years < 1 or seed < 0:
        raise ValueError("students and years must be >= 1 and seed >= 0")
    log = log or (lambda _msg: None)
    sizes = district_sizes(districts, students, seed, size_spread)
    flagged = int(stream(seed, "state-flagged").integers(districts))
    out = []
    for k in range(1, districts + 1):
        prefix = namespace(k)
        district_id = prefix + DISTRICT_ID
        town = TOWNS[(k - 1) % len(TOWNS)] + ("" if k <= len(TOWNS) else f" {(k - 1) // len(TOWNS) + 1}")
        name = f"{town} School District"
        is_flagged = k - 1 == flagged
        log(f"district {k}/{districts}: {district_id} {name}, ~{sizes[k - 1]:,} students"
            + (" (over-identified group)" if is_flagged else ""))
        summary = generate(Path(out_root) / district_id, students=int(sizes[k - 1]), seed=seed * 1000 + k,
                           years=years, end_year=end_year, namespace=prefix, hot_share=1.0 if is_flagged else 0.0,
                           district_name=name, state_counts=False)
        out.append(StateDistrict(district_id, name, int(sizes[k - 1]), is_flagged, summary))
    return out
