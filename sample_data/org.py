"""The district's organization: schools of three levels sized from the student count, support
departments and the PLCs of each school. Staff are built in staff.py once enrollment is known."""
from dataclasses import dataclass, field

import numpy as np

from sample_data import codes
from sample_data.names import school_names
from sample_data.rng import stream

DISTRICT_ID = "0412"
DISTRICT_NAME = "Riverbend Unified School District"

DEPARTMENTS = (
    ("TRN", "Transportation"),
    ("NUT", "Nutrition Services"),
    ("HR", "Human Resources"),
    ("TECH", "Technology"),
    ("FAC", "Facilities"),
)

HOT_SHARE = 0.25  # share of schools where black students are clearly over-identified


@dataclass
class School:
    idx: int
    school_id: str
    name: str
    level: int
    weight: float  # share of its level's students
    feeder: int  # the school its students move on to at the next level (-1 for high schools)
    hot: bool  # black students are clearly over-identified here (special ed, OSS, behavior)
    race_mix: np.ndarray  # race/ethnicity mix of students who enroll here
    econ_shift: float  # added to the probability of economic disadvantage
    ach_effect: float  # added to student achievement
    abs_effect: float  # added to the log-odds of absence
    climate: float  # perception and adult-practice culture

    @property
    def level_name(self) -> str:
        return codes.LEVELS[self.level]


@dataclass
class Plc:
    plc_id: str
    name: str
    school: int
    focus: str  # grade_03 .. or a content area


@dataclass
class District:
    district_id: str
    name: str
    schools: list[School]
    departments: tuple = DEPARTMENTS
    by_level: list[np.ndarray] = field(default_factory=list)  # school idx per level
    level_weights: list[np.ndarray] = field(default_factory=list)  # their weights (sum to 1)
    plcs: list[list[Plc]] = field(default_factory=list)  # per school

    def plc_index(self, school: int) -> dict[str, Plc]:
        return {p.focus: p for p in self.plcs[school]}


def schools_per_level(n_students: int) -> list[int]:
    out = []
    for level in range(3):
        share = codes.COHORT_WEIGHT[codes.LEVEL_GRADES[level]].sum() / codes.COHORT_WEIGHT.sum()
        out.append(max(1, int(round(n_students * share / codes.LEVEL_SIZE[level]))))
    return out


def plc_focuses(level: int) -> list[str]:
    if level == codes.ELEMENTARY:
        return [f"grade_{codes.GRADES[g]}" for g in codes.LEVEL_GRADES[level]]
    return list(codes.CORE_SUBJECTS) + ["electives"]


def _plc_name(focus: str) -> str:
    if focus.startswith("grade_"):
        label = focus[6:]
        if label in ("PK", "KG"):
            return {"PK": "Pre-K PLC", "KG": "Kindergarten PLC"}[label]
        return f"Grade {int(label)} PLC"
    return focus.replace("_", " ").title().replace("Ela", "ELA") + " PLC"


def build_district(n_students: int, seed: int, hot_share: float | None = None, name: str = DISTRICT_NAME) -> District:
    """hot_share: the share of schools where black students are clearly over-identified (default
    HOT_SHARE, and at least 2 schools); a state's districts set it to vary between districts."""
    rng = stream(seed, "district")
    counts = schools_per_level(n_students)
    names = school_names(counts, rng)
    n_total = sum(counts)
    if hot_share is None:
        n_hot = max(min(2, n_total), int(round(HOT_SHARE * n_total)))
    else:
        n_hot = int(round(hot_share * n_total))
    hot = np.zeros(n_total, dtype=bool)
    hot[rng.choice(n_total, size=n_hot, replace=False)] = True

    schools: list[School] = []
    by_level, level_weights = [], []
    for level, n in enumerate(counts):
        weights = rng.lognormal(0.0, 0.25, n)
        weights /= weights.sum()
        idx = np.arange(len(schools), len(schools) + n)
        for k in range(n):
            i = len(schools)
            mix = rng.dirichlet(40 * codes.DISTRICT_MIX)
            if hot[i]:
                mix[codes.BLACK] *= 1.5
                mix /= mix.sum()
            schools.append(
                School(
                    idx=i,
                    school_id=f"0{level + 1}{k + 1:03d}",
                    name=names[level][k],
                    level=level,
                    weight=float(weights[k]),
                    feeder=-1,
                    hot=bool(hot[i]),
                    race_mix=mix,
                    econ_shift=float(rng.normal(0, 0.08)),
                    ach_effect=float(rng.normal(0, 0.15)),
                    abs_effect=float(rng.normal(0, 0.12)),
                    climate=float(rng.normal(0, 0.25)),
                )
            )
        by_level.append(idx)
        level_weights.append(weights)
    # feeder pattern: elementary -> middle -> high, in order
    for level in (0, 1):
        lower, upper = by_level[level], by_level[level + 1]
        for k, i in enumerate(lower):
            schools[i].feeder = int(upper[k * len(upper) // len(lower)])

    plcs = [
        [Plc(f"{s.school_id}-{f}", _plc_name(f), s.idx, f) for f in plc_focuses(s.level)] for s in schools
    ]
    return District(DISTRICT_ID, name, schools, DEPARTMENTS, by_level, level_weights, plcs)
