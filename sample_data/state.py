"""The state's counts by federal race/ethnicity group, for alternate and weighted risk ratios.

The district's own counts are tallied while its files are written (Tally); the state is ~30
times the district, with a slightly different mix, rates near the district's non-black rates and
milder disparities (state_counts.csv: school_year, category, group, count, population).
"""
import numpy as np

from sample_data import codes
from sample_data.rng import stream

IDENTIFICATION = {"identification_all": None, "identification_id": "ID", "identification_sld": "SLD",
                  "identification_ed": "ED", "identification_sli": "SLI", "identification_ohi": "OHI",
                  "identification_aut": "AUT"}
CATEGORIES = (
    list(IDENTIFICATION)
    + ["placement_rc_lt40", "placement_separate"]
    + ["discipline_oss_exp_le10", "discipline_oss_exp_gt10", "discipline_iss_le10", "discipline_iss_gt10",
       "discipline_total_removals"]
    + ["mtss_any"] + [f"mtss_{a}_tier{t}" for a in codes.MTSS_AREA for t in (2, 3)]
)
# population of each category: 0 enrolled, 1 children with disabilities, 2 the same outside PK
# (placement is for ages 6-21); the same definitions as assets/equity/counts_from_warehouse.sql
POPULATION = {c: 2 if c.startswith("placement_") else 1 if c.startswith("discipline_") else 0 for c in CATEGORIES}
SCHOOL_AGE_SHARE = 0.96  # of the state's children with disabilities, those outside PK
STATE_SCALE = 30
STATE_MIX = np.array([0.27, 0.012, 0.055, 0.14, 0.004, 0.48, 0.039])
DEFAULT_RATE = {  # used when the district is too small to calibrate from
    "identification_all": 0.12, "identification_id": 0.007, "identification_sld": 0.045, "identification_ed": 0.006,
    "identification_sli": 0.022, "identification_ohi": 0.018, "identification_aut": 0.013,
    "placement_rc_lt40": 0.12, "placement_separate": 0.025, "discipline_oss_exp_le10": 0.05,
    "discipline_oss_exp_gt10": 0.008, "discipline_iss_le10": 0.05, "discipline_iss_gt10": 0.002,
    "discipline_total_removals": 0.18, "mtss_any": 0.15,
}
# milder state disparities: multipliers of the base rate per group (hisp, aian, asian, black, nhpi, white, two)
GROUP_MULT = {
    "identification": np.array([1.05, 1.2, 0.6, 1.35, 1.0, 0.95, 1.0]),
    "identification_id": np.array([1.0, 1.2, 0.6, 1.8, 1.0, 0.9, 1.0]),
    "identification_ed": np.array([0.8, 1.3, 0.4, 1.9, 1.0, 1.0, 1.2]),
    "placement": np.array([1.1, 1.1, 0.9, 1.25, 1.0, 0.95, 1.0]),
    "discipline": np.array([1.1, 1.3, 0.4, 1.7, 1.1, 0.9, 1.2]),
    "mtss": np.array([1.1, 1.1, 0.7, 1.2, 1.0, 0.95, 1.0]),
    "mtss_behavior": np.array([1.0, 1.2, 0.5, 1.5, 1.0, 0.9, 1.1]),
}
_CAT_INDEX = {c: i for i, c in enumerate(CATEGORIES)}


class Tally:
    """District counts per year, category and race/ethnicity (7 federal groups + unknown)."""

    def __init__(self):
        self.count: dict[int, np.ndarray] = {}
        self.pop: dict[int, np.ndarray] = {}  # POPULATION kind x group

    def _arrays(self, year: int):
        if year not in self.count:
            self.count[year] = np.zeros((len(CATEGORIES), 8), dtype=np.int64)
            self.pop[year] = np.zeros((3, 8), dtype=np.int64)
        return self.count[year], self.pop[year]

    def add(self, year: int, race: np.ndarray, grade: np.ndarray, idea: np.ndarray, cat: np.ndarray,
            env: np.ndarray, discipline: dict, mtss_row: np.ndarray, mtss_area: np.ndarray,
            mtss_tier: np.ndarray) -> None:
        count, pop = self._arrays(year)
        race = race.astype(np.int64)
        add = lambda c, mask: np.add.at(count[_CAT_INDEX[c]], race[mask], 1)  # noqa: E731
        np.add.at(pop[0], race, 1)
        np.add.at(pop[1], race[idea], 1)
        school_age = idea & (grade != codes.PK)
        np.add.at(pop[2], race[school_age], 1)
        for c, code in IDENTIFICATION.items():
            add(c, idea if code is None else idea & (cat == codes.DISABILITY.index(code)))
        add("placement_rc_lt40", school_age & (env == codes.ENVIRONMENT.index("rc_lt40")))
        separate = (env == codes.ENVIRONMENT.index("separate_school")) | (env == codes.ENVIRONMENT.index("residential"))
        add("placement_separate", school_age & separate)
        oss, iss = discipline["oss_exp_days"], discipline["iss_days"]
        add("discipline_oss_exp_le10", idea & (oss > 0) & (oss <= 10))
        add("discipline_oss_exp_gt10", idea & (oss > 10))
        add("discipline_iss_le10", idea & (iss > 0) & (iss <= 10))
        add("discipline_iss_gt10", idea & (iss > 10))
        np.add.at(count[_CAT_INDEX["discipline_total_removals"]], race[idea], discipline["removals"][idea])
        any_mtss = np.zeros(len(race), dtype=bool)
        any_mtss[mtss_row] = True
        add("mtss_any", any_mtss)
        for k, area in enumerate(codes.MTSS_AREA):
            for t in (2, 3):
                hit = np.zeros(len(race), dtype=bool)
                hit[mtss_row[(mtss_area == k) & (mtss_tier == t)]] = True
                add(f"mtss_{area}_tier{t}", hit)


def _multiplier(category: str) -> np.ndarray:
    if category in GROUP_MULT:
        return GROUP_MULT[category]
    if category.startswith("mtss_behavior"):
        return GROUP_MULT["mtss_behavior"]
    return GROUP_MULT[category.split("_")[0]]


def state_rows(tally: Tally, seed: int) -> dict:
    cols = {k: [] for k in ("school_year", "category", "group", "count", "population")}
    for year in sorted(tally.count):
        rng = stream(seed, "state", year)
        count, pop = tally.count[year], tally.pop[year]
        total = int(pop[0].sum())
        enrolled = np.round(max(total, 1) * STATE_SCALE * STATE_MIX * rng.normal(1, 0.03, 7)).astype(np.int64)
        swd = school_age = None
        for c in CATEGORIES:
            i = _CAT_INDEX[c]
            nonblack = [g for g in range(8) if g != codes.BLACK]
            base_pop = pop[POPULATION[c], nonblack].sum()
            rate = DEFAULT_RATE.get(c, DEFAULT_RATE["mtss_any"] / 10)
            if base_pop >= 200:  # lean toward the district's own rate (never to zero)
                rate = 0.5 * rate + 0.5 * count[i, nonblack].sum() / base_pop
            rates = np.minimum(rate * _multiplier(c) * rng.normal(1, 0.04, 7), 0.9)
            population = (enrolled, swd, school_age)[POPULATION[c]]
            counts = np.round(population * rates).astype(np.int64)
            if c == "identification_all":
                swd = counts
                school_age = np.round(swd * SCHOOL_AGE_SHARE).astype(np.int64)
            for g, name in enumerate(codes.FEDERAL_GROUPS):
                cols["school_year"].append(str(year))
                cols["category"].append(c)
                cols["group"].append(name)
                cols["count"].append(str(int(counts[g])))
                cols["population"].append(str(int(population[g])))
    return cols
