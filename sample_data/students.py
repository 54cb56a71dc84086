"""Students: who they are (persistent traits), where they are enrolled each year, and the
yearly attributes derived from both (EL, economic disadvantage, IDEA, attendance propensity,
achievement).

Students move up a grade each year (a few are retained), seniors graduate, ~6% leave the
district, new students enter to keep each grade near its target size. Within a year ~1.5%
change schools mid-year, ~1.5% change sections, some enter late and some withdraw. The traits
are latent uniforms/normals drawn once per student, so a student's status persists across years.
"""
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from sample_data import codes
from sample_data.calendar import school_calendar
from sample_data.org import District
from sample_data.rng import apportion, sigmoid, stream

LEAVE_RATE = 0.06  # leave the district between years
WITHDRAW_SHARE = 0.25  # of leavers, share who withdraw mid-year
RETAIN_RATE = 0.012
TRANSFER_RATE = 0.025  # change school between years within a level
MOVER_RATE = 0.015  # change school mid-year
CHANGER_RATE = 0.015  # change a section mid-year

_HISP_RACES = (("", 0.45), ("white", 0.36), ("black", 0.05), ("american_indian_alaska_native", 0.06),
               ("black|white", 0.04), ("american_indian_alaska_native|white", 0.04))
_TWO_RACES = (("black|white", 0.35), ("asian|white", 0.25), ("american_indian_alaska_native|white", 0.2),
              ("asian|black", 0.05), ("black|native_hawaiian_pacific_islander", 0.03),
              ("american_indian_alaska_native|black|white", 0.07), ("native_hawaiian_pacific_islander|white", 0.05))
_SINGLE = {**{code: codes.RACE_ETH[code] for code in (codes.AIAN, codes.ASIAN, codes.BLACK, codes.NHPI, codes.WHITE)},
           codes.UNKNOWN: ""}

# special education: category mix of students who are not over-identified, and base rate
CATEGORY_MIX = np.array([0.36, 0.18, 0.15, 0.11, 0.06, 0.055, 0.05, 0.02, 0.007, 0.003, 0.006, 0.004, 0.003, 0.001])
CATEGORY_MIX = CATEGORY_MIX / CATEGORY_MIX.sum()
_CAT = {c: i for i, c in enumerate(codes.DISABILITY)}
IDEA_BASE = 0.112
IDEA_GRADE = np.array([0.85, 0.8, 0.9, 1.0] + [1.12] * 6 + [1.0] * 4)
# black students: (all categories, ED and ID) multipliers outside / inside "hot" schools
BLACK_MULT = {False: (1.8, 4.0), True: (2.4, 10.0)}
ENV_MIX = {
    "mild": np.array([0.78, 0.15, 0.05, 0.015, 0.003, 0.002]),
    "significant": np.array([0.30, 0.25, 0.35, 0.07, 0.02, 0.01]),
    "ED": np.array([0.50, 0.20, 0.18, 0.10, 0.01, 0.01]),
}
_SIGNIFICANT = [_CAT[c] for c in ("AUT", "ID", "MD", "DB", "TBI")]

P_ECON = np.array([0.58, 0.55, 0.25, 0.58, 0.50, 0.30, 0.40, 0.40])
P_EL = np.array([0.30, 0.04, 0.28, 0.03, 0.15, 0.01, 0.03, 0.02])
EL_GRADE = np.array([1.5, 1.5, 1.5, 1.4, 1.1, 1.1, 1.0, 0.7, 0.7, 0.7, 0.55, 0.55, 0.5, 0.5])
ABS_GRADE = np.array([0.25, 0.15, 0.05, 0.0, 0.0, 0.0, 0.0, 0.1, 0.1, 0.15, 0.2, 0.3, 0.35, 0.45])


@dataclass
class Registry:
    """Persistent traits of every student ever enrolled; index = position."""

    ids: pa.Array  # zero-padded 7-digit strings
    race: np.ndarray  # codes.RACE_ETH index
    hisp: np.ndarray
    races: pa.Array  # pipe-separated races ('' = none)
    sex: np.ndarray
    u: dict  # uniform latents: econ, el, idea, cat, env
    z: dict  # normal latents: abs, ach, ela, math, beh

    def __len__(self) -> int:
        return len(self.race)


class _RegistryBuilder:
    def __init__(self, district: District, seed: int):
        self.district = district
        self.rng = stream(seed, "registry")
        self.blocks: list[dict] = []
        self.n = 0
        self.last_id = 1000

    def add(self, schools: np.ndarray) -> np.ndarray:
        rng, n = self.rng, len(schools)
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        race = np.empty(n, dtype=np.int8)
        for s in np.unique(schools):
            m = schools == s
            race[m] = rng.choice(8, size=int(m.sum()), p=self.district.schools[s].race_mix)
        races = np.array([_SINGLE.get(int(r), "") for r in race], dtype=object)
        for code, table in ((codes.HISP, _HISP_RACES), (codes.TWO, _TWO_RACES)):
            m = race == code
            opts = np.array([t[0] for t in table], dtype=object)
            p = np.array([t[1] for t in table])
            races[m] = opts[rng.choice(len(opts), size=int(m.sum()), p=p / p.sum())]
        nums = self.last_id + np.cumsum(rng.integers(1, 3, n))
        self.last_id = int(nums[-1])
        block = {
            "ids": np.char.zfill(nums.astype(str), 7).astype(object),
            "race": race,
            "races": races,
            "sex": rng.choice(3, size=n, p=[0.487, 0.505, 0.008]).astype(np.int8),
        }
        for k in ("econ", "el", "idea", "cat", "env"):
            block["u_" + k] = rng.random(n, dtype=np.float32)
        for k in ("abs", "ach", "ela", "math", "beh"):
            block["z_" + k] = rng.standard_normal(n, dtype=np.float32)
        self.blocks.append(block)
        self.n += n
        return np.arange(self.n - n, self.n)

    def build(self) -> Registry:
        cat = {k: np.concatenate([b[k] for b in self.blocks]) for k in self.blocks[0]}
        return Registry(
            ids=pa.array(cat["ids"], type=pa.string()),
            race=cat["race"],
            hisp=cat["race"] == codes.HISP,
            races=pa.array(cat["races"], type=pa.string()),
            sex=cat["sex"],
            u={k: cat["u_" + k] for k in ("econ", "el", "idea", "cat", "env")},
            z={k: cat["z_" + k] for k in ("abs", "ach", "ela", "math", "beh")},
        )


@dataclass
class YearRoster:
    """One school year: one row per enrolled student, plus enrollment segments."""

    year: int
    n_days: int
    stu: np.ndarray  # registry index (ascending)
    grade: np.ndarray  # grade code
    school: np.ndarray  # primary school (longest enrollment this year)
    end_school: np.ndarray  # school at the end of the year (or at withdrawal)
    leaves: np.ndarray  # does not return next year
    prim_first: np.ndarray  # first/last instructional day index at the primary school
    prim_last: np.ndarray
    change_day: np.ndarray  # day a section changes mid-year, -1 = none
    seg_row: np.ndarray  # enrollment segments: row of this roster, school, first and last day
    seg_school: np.ndarray
    seg_first: np.ndarray
    seg_last: np.ndarray
    attrs: dict = field(default_factory=dict)  # el, econ, idea, cat, env, p_abs, th_ela, th_math

    def __len__(self) -> int:
        return len(self.stu)


def _assign_schools(district: District, grades: np.ndarray, rng) -> np.ndarray:
    out = np.empty(len(grades), dtype=np.int64)
    lv = codes.GRADE_LEVEL[grades]
    for level in range(3):
        m = lv == level
        if m.any():
            out[m] = rng.choice(district.by_level[level], size=int(m.sum()), p=district.level_weights[level])
    return out


def _other_school(district: District, current: np.ndarray, rng) -> np.ndarray:
    """A different school of the same level (the level must have two or more)."""
    out = current.copy()
    for i, s in enumerate(current):
        level = district.schools[s].level
        pool = district.by_level[level]
        pick = pool[rng.integers(0, len(pool) - 1)]
        out[i] = pick if pick != s else pool[-1]
    return out


def build_rosters(district: District, n_students: int, years: list[int], seed: int):
    """(registry, [YearRoster per year]) for the given school years (ascending)."""
    reg = _RegistryBuilder(district, seed)
    target = apportion(n_students, codes.COHORT_WEIGHT)
    feeder = np.array([s.feeder for s in district.schools])
    multi = np.array([len(district.by_level[s.level]) > 1 for s in district.schools])
    rosters: list[YearRoster] = []
    for k, year in enumerate(years):
        rng = stream(seed, "roster", year)
        if k == 0:
            grade = np.repeat(np.arange(codes.N_GRADES), target).astype(np.int8)
            school = _assign_schools(district, grade, rng)
            stu = reg.add(school)
            is_new = np.ones(len(stu), dtype=bool)
        else:
            prev = rosters[-1]
            cont = ~prev.leaves
            stu0, g0, s0 = prev.stu[cont], prev.grade[cont], prev.end_school[cont]
            retained = (g0 >= codes.KG) & (g0 <= 9) & (rng.random(len(g0)) < RETAIN_RATE)
            g = (g0 + ~retained).astype(np.int8)
            level_change = codes.GRADE_LEVEL[g] != codes.GRADE_LEVEL[g0]
            s = np.where(level_change, feeder[s0], s0)
            transfer = ~level_change & multi[s] & (rng.random(len(g)) < TRANSFER_RATE)
            s[transfer] = _other_school(district, s[transfer], rng)
            need = np.maximum(target - np.bincount(g, minlength=codes.N_GRADES), 0)
            g_new = np.repeat(np.arange(codes.N_GRADES), need).astype(np.int8)
            s_new = _assign_schools(district, g_new, rng)
            stu = np.concatenate([stu0, reg.add(s_new)])
            grade = np.concatenate([g, g_new])
            school = np.concatenate([s, s_new])
            is_new = np.concatenate([np.zeros(len(g), bool), np.ones(len(g_new), bool)])
        rosters.append(_mid_year(district, year, stu, grade, school, is_new, k == 0, multi, rng))
    registry = reg.build()
    for r in rosters:
        derive_attributes(r, registry, district, seed)
    return registry, rosters


def _mid_year(district, year, stu, grade, school, is_new, first_year, multi, rng) -> YearRoster:
    n = len(stu)
    D = school_calendar(year).n
    leaves = (grade == codes.N_GRADES - 1) | (rng.random(n) < LEAVE_RATE)
    withdraw = leaves & (grade < codes.N_GRADES - 1) & (rng.random(n) < WITHDRAW_SHARE)
    late = (rng.random(n) < 0.02) if first_year else (is_new & (rng.random(n) < 0.15))
    first = np.zeros(n, dtype=np.int64)
    last = np.full(n, D - 1, dtype=np.int64)
    first[late] = rng.integers(5, D - 45, int(late.sum()))
    w = np.flatnonzero(withdraw)
    last[w] = rng.integers(first[w] + 25, D - 5)
    mover = multi[school] & (rng.random(n) < MOVER_RATE) & (last - first > 60)
    mv = np.flatnonzero(mover)
    move_day = rng.integers(first[mv] + 20, last[mv] - 20)
    gap = rng.integers(0, 4, len(mv))
    new_school = _other_school(district, school[mv], rng)
    changer = ~mover & (rng.random(n) < CHANGER_RATE) & (last - first > 40)
    change_day = np.full(n, -1, dtype=np.int64)
    ch = np.flatnonzero(changer)
    change_day[ch] = rng.integers(first[ch] + 15, last[ch] - 15)

    # segments: everyone has one; movers have a second one at the new school
    seg_row = np.concatenate([np.arange(n), mv])
    seg_school = np.concatenate([school, new_school])
    seg_first = np.concatenate([first, move_day + gap])
    seg_last = last.copy()
    seg_last[mv] = move_day - 1
    seg_last = np.concatenate([seg_last, last[mv]])
    order = np.lexsort((seg_first, seg_row))
    seg_row, seg_school, seg_first, seg_last = seg_row[order], seg_school[order], seg_first[order], seg_last[order]

    primary = school.copy()
    prim_first, prim_last = first.copy(), last.copy()
    second_longer = (last[mv] - move_day - gap) >= (move_day - 1 - first[mv])
    pm = mv[second_longer]
    primary[pm] = new_school[second_longer]
    prim_first[pm] = (move_day + gap)[second_longer]
    prim_last[mv[~second_longer]] = (move_day - 1)[~second_longer]
    end_school = school.copy()
    end_school[mv] = new_school
    return YearRoster(year, D, stu, grade.astype(np.int8), primary, end_school, leaves, prim_first, prim_last,
                      change_day, seg_row, seg_school, seg_first, seg_last)


def derive_attributes(r: YearRoster, reg: Registry, district: District, seed: int) -> None:
    """Yearly attributes from persistent traits, grade and the primary school."""
    rng = stream(seed, "attributes", r.year)
    n = len(r)
    schools = district.schools
    race = reg.race[r.stu]
    g = r.grade
    hot = np.array([s.hot for s in schools], dtype=bool)[r.school]
    econ_shift = np.array([s.econ_shift for s in schools])[r.school]
    econ = reg.u["econ"][r.stu] < np.clip(P_ECON[race] + econ_shift, 0.02, 0.95)
    el = reg.u["el"][r.stu] < P_EL[race] * EL_GRADE[g]

    # special education: category weights per student, then rate = base * sum of weights
    w = np.tile(CATEGORY_MIX, (n, 1))
    old = g > 4  # developmental delay only through grade 03
    w[old, _CAT["SLD"]] += w[old, _CAT["DD"]]
    w[old, _CAT["DD"]] = 0.0
    black = race == codes.BLACK
    for is_hot in (False, True):
        m = black & (hot == is_hot)
        general, edid = BLACK_MULT[is_hot]
        w[m] *= general
        w[np.ix_(m, [_CAT["ED"], _CAT["ID"]])] *= edid / general
    w[race == codes.AIAN] *= 1.15
    total = w.sum(axis=1)
    idea = reg.u["idea"][r.stu] < IDEA_BASE * IDEA_GRADE[g] * total
    cum = np.cumsum(w / total[:, None], axis=1)
    cat = (reg.u["cat"][r.stu][:, None] > cum).sum(axis=1).clip(0, len(codes.DISABILITY) - 1)
    env_p = np.tile(ENV_MIX["mild"], (n, 1))
    sig = np.isin(cat, _SIGNIFICANT)
    env_p[sig] = ENV_MIX["significant"]
    env_p[cat == _CAT["ED"]] = ENV_MIX["ED"]
    restrictive = black & hot
    env_p[np.ix_(restrictive, [2, 3])] *= 1.5
    env_cum = np.cumsum(env_p / env_p.sum(axis=1)[:, None], axis=1)
    env = (reg.u["env"][r.stu][:, None] > env_cum).sum(axis=1).clip(0, len(codes.ENVIRONMENT) - 1)

    abs_effect = np.array([s.abs_effect for s in schools])[r.school]
    z_year = rng.standard_normal(n)
    logit = (-3.35 + 0.75 * reg.z["abs"][r.stu] + 0.25 * z_year + 0.3 * econ + 0.25 * idea + ABS_GRADE[g]
             + abs_effect)
    p_abs = sigmoid(logit)
    ach_effect = np.array([s.ach_effect for s in schools])[r.school]
    base = 0.85 * reg.z["ach"][r.stu] - 0.35 * econ - 0.6 * idea - 3.0 * (p_abs - 0.07) + ach_effect
    base = base + 0.15 * rng.standard_normal(n)
    r.attrs = {
        "econ": econ,
        "el": el,
        "idea": idea,
        "cat": np.where(idea, cat, -1),
        "env": np.where(idea, env, -1),
        "hot": hot,
        "black": black,
        "race": race,
        "p_abs": p_abs,
        "th_ela": base + 0.45 * reg.z["ela"][r.stu] - 0.55 * el,
        "th_math": base + 0.45 * reg.z["math"][r.stu] - 0.35 * el,
        "beh": reg.z["beh"][r.stu],
    }
