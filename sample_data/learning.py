"""Professional learning: each year's catalog of mandatory and optional sessions and coaching
cycles, when and where each is held, and which staff completed them (hours, feedback 1..5 or
blank)."""
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# (title, category, hours, month/day offered, session_time, session_location)
CATALOG = (
    ("Equity and culturally responsive practice", "mandatory", 3.0, (8, 28), "school_day", "on_site"),
    ("Student data privacy (FERPA)", "mandatory", 1.0, (8, 28), "after_hours", "off_site"),
    ("Safety and mandated reporter training", "mandatory", 1.5, (9, 10), "after_hours", "off_site"),
    ("Strategic plan launch: empowered learning", "mandatory", 2.0, (10, 15), "school_day", "off_site"),
    ("PLC facilitation", "optional", 3.0, (9, 24), "after_hours", "on_site"),
    ("Standards and proficiency scales", "optional", 6.0, (10, 22), "school_day", "off_site"),
    ("Blast walkthrough calibration", "optional", 1.5, (11, 5), "school_day", "on_site"),
    ("Social-emotional learning in the classroom", "optional", 2.0, (1, 14), "after_hours", "off_site"),
    ("Using CFA data to plan instruction", "optional", 2.5, (2, 11), "school_day", "on_site"),
    ("Profile of the Graduate design lab", "optional", 4.0, (3, 4), "after_hours", "off_site"),
) + tuple((f"Instructional coaching cycle: session {k}", "coaching", 0.75, (m, 5), "school_day", "on_site")
          for k, m in enumerate((10, 11, 12, 1, 2, 3), start=1))
FEEDBACK_P = np.array([0.04, 0.08, 0.2, 0.4, 0.28])


def build(rng: np.random.Generator, cal, year: int, staff_ids: list[str], roles: list[str]) -> dict:
    n = len(staff_ids)
    teacher = np.array([r == "teacher" for r in roles])
    coached = teacher & (rng.random(n) < 0.35)
    sessions = np.where(coached, rng.integers(2, 7, n), 0)
    parts = []
    coaching_k = 0
    for a, (title, category, hours, (month, day), _when, _where) in enumerate(CATALOG):
        if category == "mandatory":
            done = rng.random(n) < np.where(teacher, 0.93, 0.9)
            spread = 20
        elif category == "optional":
            done = rng.random(n) < np.where(teacher, 0.22, 0.08)
            spread = 3
        else:
            coaching_k += 1
            done = sessions >= coaching_k
            spread = 15
        who = np.flatnonzero(done)
        base = cal.index_on_or_after(month, day)
        when = np.minimum(base + rng.integers(0, spread, len(who)), cal.n - 1)
        rating = rng.choice(5, size=len(who), p=FEEDBACK_P) + 1
        if category == "coaching":
            rating = np.minimum(rating + (rng.random(len(who)) < 0.3), 5)
        rated = rng.random(len(who)) < 0.7
        parts.append((who, a, when, rating, rated))
    who = np.concatenate([p[0] for p in parts])
    act = np.repeat([p[1] for p in parts], [len(p[0]) for p in parts])
    when = np.concatenate([p[2] for p in parts])
    rating = pa.array(np.concatenate([p[3] for p in parts])).cast(pa.string())
    rated = np.concatenate([p[4] for p in parts])
    order = np.lexsort((act, who))
    titles = pa.array([c[0] for c in CATALOG], type=pa.string())
    ids = pa.array([f"PL-{year}-{a + 1:02d}" for a in range(len(CATALOG))], type=pa.string())
    take = pa.array(act[order])
    return {
        "staff_id": pa.array(staff_ids, type=pa.string()).take(pa.array(who[order])),
        "activity_id": ids.take(take),
        "title": titles.take(take),
        "category": pa.array([c[1] for c in CATALOG], type=pa.string()).take(take),
        "hours": pa.array([c[2] for c in CATALOG]).cast(pa.string()).take(take),
        "completed_date": cal.label(when[order]),
        "feedback_rating": pc.if_else(pa.array(rated[order]), rating.take(pa.array(order)),
                                      pa.scalar(None, pa.string())),
        "session_time": pa.array([c[4] for c in CATALOG], type=pa.string()).take(take),
        "session_location": pa.array([c[5] for c in CATALOG], type=pa.string()).take(take),
    }
