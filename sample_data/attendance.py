"""Daily attendance of one school in one year: one row per enrolled instructional day.

Each enrollment segment has the student's absence propensity for the year (persistent across
years, see students.py); days draw absent/present from it with a seasonal shape (more absence
in winter and at the start/end of weeks). Chronic absentees skew to unexcused absences.
"""
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from sample_data import codes
from sample_data.calendar import SchoolCalendar
from sample_data.rng import sigmoid

STATUS = pa.array(list(codes.ATTENDANCE_STATUS), type=pa.string())
PRESENT, TARDY, EARLY, EXCUSED, UNEXCUSED = range(5)
_MONTH = {8: 0.8, 9: 0.85, 10: 0.95, 11: 1.0, 12: 1.12, 1: 1.18, 2: 1.12, 3: 1.0, 4: 0.95, 5: 1.02, 6: 1.15}


def day_factors(cal: SchoolCalendar) -> np.ndarray:
    f = np.array([_MONTH[int(m)] for m in cal.months])
    weekday = (cal.dates.astype("datetime64[D]").view("int64") - 4) % 7  # 0 = Monday
    f = f * np.where((weekday == 0) | (weekday == 4), 1.1, 0.95)
    return (f / f.mean()).astype(np.float32)


@dataclass
class AttendanceChunk:
    seg: np.ndarray  # per row: local segment index
    day: np.ndarray  # per row: day index
    status: np.ndarray  # per row: status code
    absent: np.ndarray  # per segment: absent days
    enrolled: np.ndarray  # per segment: enrolled days


def build(rng: np.random.Generator, cal: SchoolCalendar, p_abs: np.ndarray, first: np.ndarray,
          last: np.ndarray) -> AttendanceChunk:
    S, D = len(p_abs), cal.n
    day = np.arange(D)
    enrolled = (day[None, :] >= first[:, None]) & (day[None, :] <= last[:, None])
    u = rng.random((S, D), dtype=np.float32)
    v = rng.random((S, D), dtype=np.float32)
    p = np.asarray(p_abs, dtype=np.float32)
    absent = u < p[:, None] * day_factors(cal)[None, :]
    unexcused_share = sigmoid(-0.9 + 8.0 * (p - 0.07)).astype(np.float32)
    tardy = (0.035 * rng.lognormal(0, 0.5, S)).astype(np.float32)
    early = (0.012 * rng.lognormal(0, 0.5, S)).astype(np.float32)
    status = np.zeros((S, D), dtype=np.int8)
    status[~absent & (v < tardy[:, None])] = TARDY
    status[~absent & (v >= tardy[:, None]) & (v < (tardy + early)[:, None])] = EARLY
    status[absent] = EXCUSED
    status[absent & (v < unexcused_share[:, None])] = UNEXCUSED
    flat = np.flatnonzero(enrolled.ravel())
    return AttendanceChunk(
        seg=flat // D,
        day=flat % D,
        status=status.ravel()[flat],
        absent=(absent & enrolled).sum(axis=1),
        enrolled=enrolled.sum(axis=1),
    )
