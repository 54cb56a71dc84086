"""PLC Strategic Implementation Guide self-assessments: every active PLC rates itself on six
dimensions twice a year (fall and spring), 1..4 (initiating, developing, implementing,
sustaining). Ratings carry a persistent PLC effect and improve slightly in spring and by year."""
import numpy as np

DIMENSIONS = (
    "collaborative_culture",
    "focus_on_learning",
    "common_formative_assessment",
    "data_driven_instruction",
    "intervention_and_extension",
    "shared_leadership",
)
DIMENSION_SHIFT = np.array([0.3, 0.15, -0.1, -0.2, -0.3, 0.0])
ASSESSMENTS = (("fall", (10, 1), 0.0), ("spring", (4, 1), 0.35))


def build(rng: np.random.Generator, cal, year_index: int, school_id: str, plc_ids: list[str],
          plc_effect: np.ndarray) -> dict | None:
    """plc_effect: the persistent effect of each PLC in plc_ids."""
    if not plc_ids:
        return None
    P, K = len(plc_ids), len(DIMENSIONS)
    cols = {"plc_id": [], "school_id": school_id, "assessed_date": [], "dimension": [], "rating": []}
    for _, (month, day), lift in ASSESSMENTS:
        dates = cal.labels.take(np.minimum(cal.index_on_or_after(month, day) + rng.integers(0, 10, P), cal.n - 1))
        score = (2.2 + plc_effect[:, None] + DIMENSION_SHIFT[None, :] + lift + 0.2 * year_index
                 + rng.normal(0, 0.45, (P, K)))
        rating = np.clip(np.round(score), 1, 4).astype(np.int64)
        for p in range(P):
            cols["plc_id"] += [plc_ids[p]] * K
            cols["assessed_date"] += [dates[p].as_py()] * K
            cols["dimension"] += list(DIMENSIONS)
            cols["rating"] += [str(r) for r in rating[p]]
    return cols
