"""Support data of one school's students in one year: MTSS interventions (tier 2/3 by area)
and special education (IDEA category and educational environment).

MTSS identification follows need: reading/math from achievement, attendance from absence
propensity, behavior from the behavior latent, where black students are over-identified
(strongly in 'hot' schools). About 15% of students have at least one intervention.
"""
from dataclasses import dataclass

import numpy as np

from sample_data import codes
from sample_data.rng import sigmoid

INTERVENTIONS = {
    "reading": (("Guided reading group", "Phonics small group"),
                ("Wilson Reading System", "Intensive reading intervention")),
    "math": (("Math small group", "Math lab"), ("Do the Math", "Intensive math intervention")),
    "behavior": (("Check-in/Check-out", "Social skills group"),
                 ("Behavior intervention plan", "Individual counseling")),
    "attendance": (("Attendance mentor", "Attendance contract"),
                   ("Family outreach plan", "Attendance intervention team")),
}


@dataclass
class Mtss:
    row: np.ndarray  # local student index
    area: np.ndarray  # index into codes.MTSS_AREA
    tier: np.ndarray  # 2 or 3
    identified: np.ndarray  # day indices
    start: np.ndarray
    end: np.ndarray  # -1 = ongoing
    name: np.ndarray  # intervention name (str)


def mtss(rng: np.random.Generator, level: int, a: dict, first: np.ndarray, last: np.ndarray) -> Mtss:
    n = len(first)
    black_mult = np.where(a["black"], np.where(a["hot"], 3.5, 2.0), 1.0)
    logits = {
        "reading": -4.2 - 1.5 * a["th_ela"] + (0.4 if level == codes.ELEMENTARY else 0.0),
        "math": -4.4 - 1.5 * a["th_math"],
        "behavior": -4.1 + 1.2 * a["beh"] + np.log(black_mult) + 0.3 * a["idea"],
        "attendance": -5.2 + 30.0 * (a["p_abs"] - 0.07),
    }
    parts = []
    for k, area in enumerate(codes.MTSS_AREA):
        p = sigmoid(logits[area])
        hit = np.flatnonzero((rng.random(n) < p) & (last - first >= 20))
        tier = np.where(rng.random(len(hit)) < 0.12 + 0.6 * p[hit], 3, 2)
        span = last[hit] - first[hit]
        ident = first[hit] + 5 + np.floor(rng.random(len(hit)) * span * 0.55).astype(np.int64)
        start = np.minimum(ident + rng.integers(2, 10, len(hit)), last[hit])
        end = start + rng.integers(30, 70, len(hit))
        end = np.where((rng.random(len(hit)) < 0.45) & (end <= last[hit]), end, -1)
        opts = INTERVENTIONS[area]
        pick = rng.integers(0, 2, len(hit))
        name = np.where(tier == 3, np.array(opts[1], dtype=object)[pick], np.array(opts[0], dtype=object)[pick])
        parts.append((hit, np.full(len(hit), k), tier, ident, start, end, name))
    cols = [np.concatenate([p[i] for p in parts]) for i in range(7)]
    order = np.lexsort((cols[1], cols[0]))
    return Mtss(*(c[order] for c in cols))
