"""Discipline incidents of one school's students in one year.

Incident counts are Poisson with a rate from the student's behavior latent, level (middle and
high school highest), IDEA and economic status. Black students are over-represented, strongly
so for students with disabilities in the schools marked 'hot', where an incident also more often
ends in out-of-school suspension: the OSS disparity among students with disabilities the equity
check should find. Other groups are near parity.
"""
from dataclasses import dataclass

import numpy as np

from sample_data import codes

BASE_RATE = (0.05, 0.26, 0.21)  # incidents per student-year by level
OTHER, ISS, OSS, EXPULSION, IAES = range(5)
ACTION_P = np.array([0.42, 0.28, 0.27, 0.015, 0.015])
ACTION_P_TARGETED = np.array([0.22, 0.22, 0.52, 0.02, 0.02])  # black SWD in hot schools
BEHAVIORS = {
    OTHER: ("disruption", "dress_code", "tardiness", "electronic_device", "defiance"),
    ISS: ("defiance", "disruption", "profanity", "truancy"),
    OSS: ("fighting", "defiance", "bullying", "harassment", "vandalism", "drugs"),
    EXPULSION: ("weapons", "drugs", "assault"),
    IAES: ("weapons", "drugs", "serious_bodily_injury"),
}
_BEHAVIOR_LIST = sorted({b for v in BEHAVIORS.values() for b in v})


@dataclass
class Incidents:
    row: np.ndarray  # local student index
    day: np.ndarray
    action: np.ndarray
    behavior: np.ndarray  # index into BEHAVIOR_LIST
    days_removed: np.ndarray

    def per_student(self, n: int) -> dict:
        """Per student: days of OSS+expulsion, days of ISS, removals, any OSS/expulsion."""
        oss_exp = np.isin(self.action, (OSS, EXPULSION))
        return {
            "oss_exp_days": np.bincount(self.row[oss_exp], self.days_removed[oss_exp], minlength=n),
            "iss_days": np.bincount(self.row[self.action == ISS], self.days_removed[self.action == ISS], minlength=n),
            "removals": np.bincount(self.row[self.action != OTHER], minlength=n),
            "any_oss": np.bincount(self.row[oss_exp], minlength=n) > 0,
        }


BEHAVIOR_LIST = np.array(_BEHAVIOR_LIST)
ACTION_CODE = np.array(codes.DISCIPLINE_ACTION)


def build(rng: np.random.Generator, n_days: int, level: int, a: dict, first: np.ndarray,
          last: np.ndarray) -> Incidents:
    """a: the students' attributes (beh, idea, econ, black, hot)."""
    n = len(first)
    mult = np.ones(n)
    mult[a["black"]] = 1.3
    mult[a["black"] & a["hot"]] = 1.6
    targeted = a["black"] & a["hot"] & a["idea"]
    mult[targeted] = 2.6
    lam = BASE_RATE[level] * np.exp(0.9 * a["beh"] - 0.405) * np.where(a["idea"], 1.3, 1.0)
    lam = lam * np.where(a["econ"], 1.15, 1.0) * mult * (last - first + 1) / n_days
    count = rng.poisson(lam)
    row = np.repeat(np.arange(n), count)
    m = len(row)
    day = first[row] + np.floor(rng.random(m) * (last[row] - first[row] + 1)).astype(np.int64)
    p = np.tile(ACTION_P, (m, 1))
    p[targeted[row]] = ACTION_P_TARGETED
    p[a["black"][row] & ~targeted[row], OTHER] -= 0.05
    p[a["black"][row] & ~targeted[row], OSS] += 0.05
    if level == codes.ELEMENTARY:  # no expulsions in elementary school
        p[:, OSS] += p[:, EXPULSION]
        p[:, EXPULSION] = 0
    no_iep = ~a["idea"][row]  # interim alternative settings only for students with disabilities
    p[no_iep, OTHER] += p[no_iep, IAES]
    p[no_iep, IAES] = 0
    action = (rng.random(m)[:, None] > np.cumsum(p, axis=1)).sum(axis=1).clip(0, 4)
    days = np.zeros(m, dtype=np.int64)
    k = action == ISS
    days[k] = rng.integers(1, 4, int(k.sum()))
    k = action == OSS
    days[k] = np.minimum(rng.geometric(0.35, int(k.sum())), 10)
    k = action == EXPULSION
    days[k] = rng.integers(20, 91, int(k.sum()))
    k = action == IAES
    days[k] = rng.integers(10, 46, int(k.sum()))
    behavior = np.empty(m, dtype=np.int64)
    for act, names in BEHAVIORS.items():
        k = np.flatnonzero(action == act)
        idx = np.searchsorted(BEHAVIOR_LIST, np.array(names))
        behavior[k] = idx[rng.integers(0, len(names), len(k))]
    order = np.lexsort((day, row))
    return Incidents(row[order], day[order], action[order], behavior[order], days[order])
