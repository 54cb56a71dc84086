"""Assessments of one school's students in one year.

Summative: the state test in ELA and math for grades 03-08, 10 and 11 in a spring window;
about 2% of tested students retest (a second, later result). Benchmark: a screener in ELA and
math for grades KG-08, fall/winter/spring. Scores come from the student's achievement (which
carries attendance, economic status, EL and IDEA effects, see students.py) plus test noise;
performance level and proficient follow from the scale score and fixed cut scores.
"""
import numpy as np

from sample_data import codes

SUMMATIVE_NAME = "State Assessment"
BENCHMARK_NAME = "Benchmark Screener"
SUMMATIVE_GRADES = np.array([codes.grade_code(g) for g in ("03", "04", "05", "06", "07", "08", "10", "11")])
BENCHMARK_GRADES = np.arange(codes.KG, codes.grade_code("08") + 1)
SUBJECTS = ("ela", "math")
RETEST_RATE = 0.02
# (window, start month/day, growth in achievement units, scale offset)
BENCHMARK_WINDOWS = (("fall", (9, 10), -0.15, -20), ("winter", (1, 12), 0.0, -8), ("spring", (5, 4), 0.15, 0))


def _levels(points: np.ndarray, cuts: tuple[float, float, float]) -> np.ndarray:
    """Scale points relative to the grade's 'meets' cut -> level index 0..3."""
    return np.searchsorted(np.array(cuts), points, side="right")


def build(rng: np.random.Generator, cal, grade: np.ndarray, theta: dict, first: np.ndarray,
          last: np.ndarray) -> dict:
    """Rows as arrays: row (local student index), name, type, subject, window, day, score, level."""
    n = len(grade)
    parts = []
    # --- summative, spring window
    start = cal.index_on_or_after(4, 14) + int(rng.integers(0, 8))
    base = 2400 + 35 * (grade.astype(np.int64) - 4)
    retest = rng.random(n) < RETEST_RATE
    retest_subject = rng.integers(0, len(SUBJECTS), n)
    for j, subject in enumerate(SUBJECTS):
        day = np.minimum(start + rng.integers(0, 10, n), cal.n - 1)
        ok = np.isin(grade, SUMMATIVE_GRADES) & (rng.random(n) < 0.97) & (day >= first) & (day <= last)
        x = theta[subject] + rng.normal(0, 0.35, n) - 0.05
        score = np.round(base + 100 * x)
        rows = np.flatnonzero(ok)
        parts.append((rows, 0, j, 0, day[rows], score[rows], _levels(score[rows] - base[rows], (-70, 0, 90))))
        again = ok & retest & (retest_subject == j)
        day2 = day + rng.integers(10, 25, n)
        again &= day2 <= np.minimum(last, cal.n - 1)
        score2 = np.round(base + 100 * (x + 0.15 + rng.normal(0, 0.2, n)))
        rows = np.flatnonzero(again)
        parts.append((rows, 0, j, 0, day2[rows], score2[rows], _levels(score2[rows] - base[rows], (-70, 0, 90))))
    # --- benchmark screener, three windows
    base_b = 400 + 25 * grade.astype(np.int64)
    in_grades = np.isin(grade, BENCHMARK_GRADES)
    for w, (window, (month, mday), growth, offset) in enumerate(BENCHMARK_WINDOWS):
        start = cal.index_on_or_after(month, mday) + int(rng.integers(0, 5))
        for j, subject in enumerate(SUBJECTS):
            day = np.minimum(start + rng.integers(0, 8, n), cal.n - 1)
            ok = in_grades & (rng.random(n) < 0.95) & (day >= first) & (day <= last)
            x = theta[subject] + growth + rng.normal(0, 0.4, n) - 0.05
            score = np.round(base_b + offset + 40 * x)
            rows = np.flatnonzero(ok)
            parts.append((rows, 1, j, w + 1, day[rows], score[rows],
                          _levels(score[rows] - base_b[rows] - offset, (-30, 0, 36))))
    rows = np.concatenate([p[0] for p in parts])
    size = [len(p[0]) for p in parts]
    return {
        "row": rows,
        "kind": np.repeat([p[1] for p in parts], size),  # 0 summative, 1 benchmark
        "subject": np.repeat([p[2] for p in parts], size),
        "window": np.repeat([p[3] for p in parts], size),  # 0 annual, 1 fall, 2 winter, 3 spring
        "day": np.concatenate([p[4] for p in parts]).astype(np.int64),
        "score": np.concatenate([p[5] for p in parts]).astype(np.int64),
        "level": np.concatenate([p[6] for p in parts]).astype(np.int64),
    }


KIND_NAME = np.array([SUMMATIVE_NAME, BENCHMARK_NAME])
KIND_TYPE = np.array(["summative", "benchmark"])
WINDOW = np.array(["annual", "fall", "winter", "spring"])
SUBJECT = np.array(SUBJECTS)
