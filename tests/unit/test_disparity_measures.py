"""The disparity engine on hand-built counts, against values computed by hand from 34 CFR 300.647
and the Westat / IDEA Data Center technical-assistance guide (docs/disparity.md).

Notation: a / n1 = the group's count / population, c / n2 = its comparison group's.
"""
import math

import pytest

from assets.equity.aggregated import measure
from assets.equity.counts_csv import CountRow
from assets.equity.settings import load_settings

YEAR = 2024
CAT = "identification_all"


@pytest.fixture(autouse=True)
def _no_config(monkeypatch):
    monkeypatch.delenv("ALIGNBOARD_CONFIG", raising=False)


def run(rows, state=(), **settings):
    """rows: (lea_id, group, count, population[, category[, year]]); state: (group, count, population[, category[, year]])."""
    counts = []
    for i, row in enumerate(rows):
        lea, group, count, population, *rest = row
        category = rest[0] if rest else CAT
        year = rest[1] if len(rest) > 1 else YEAR
        counts.append(CountRow(i + 2, year, lea, category, group, count, population))
    for i, row in enumerate(state):
        group, count, population, *rest = row
        category = rest[0] if rest else CAT
        year = rest[1] if len(rest) > 1 else YEAR
        counts.append(CountRow(1000 + i, year, "STATE", category, group, count, population))
    results = measure(counts, load_settings(**settings))
    return {(r["lea_id"], r["group"], r["category"], r["school_year"]): r for r in results}


def one(results, lea, group, category=CAT, year=YEAR):
    return results[(lea, group, category, year)]


def katz(a, n1, c, n2):
    """95% CI of a risk ratio by the Katz log method, computed independently of the engine."""
    rr = (a / n1) / (c / n2)
    se = math.sqrt(1 / a - 1 / n1 + 1 / c - 1 / n2)
    return math.exp(math.log(rr) - 1.96 * se), math.exp(math.log(rr) + 1.96 * se)


def test_risk_ratio_with_every_companion_measure():
    # Hispanic 40 of 200; comparison = white 20 of 400 + black 10 of 100 = 30 of 500.
    r = one(run([("A", "hispanic_latino", 40, 200), ("A", "white", 20, 400), ("A", "black", 10, 100)]),
            "A", "hispanic_latino")
    assert r["ratio_type"] == "RR" and r["na_reason"] is None
    assert r["risk"] == 0.2
    assert (r["comparison_count"], r["comparison_population"]) == (30, 500)
    assert r["comparison_risk"] == 0.06
    assert r["ratio"] == pytest.approx(10 / 3, rel=1e-15)  # 0.2 / 0.06
    assert r["risk_difference"] == pytest.approx(0.14, rel=1e-12)  # 0.2 - 0.06
    assert r["odds_ratio"] == pytest.approx(47 / 12, rel=1e-15)  # (40/160) / (30/470)
    low, high = katz(40, 200, 30, 500)
    assert r["ci_low"] == pytest.approx(low, rel=1e-12, abs=1e-12)
    assert r["ci_high"] == pytest.approx(high, rel=1e-12, abs=1e-12)
    assert r["composition"] == pytest.approx(4 / 7, rel=1e-15)  # 40 of the 70 identified
    assert r["composition_difference"] == pytest.approx(4 / 7 - 2 / 7, rel=1e-12)  # 200 of 700 enrolled
    assert r["flagged"] is True  # 10/3 > 3
    assert r["weighted_risk_ratio"] is None  # no state data


def test_ratio_exactly_at_the_threshold_is_not_flagged_even_where_floats_round_wrong():
    results = run([("E", "black", 30, 100), ("E", "white", 10, 100),
                   ("F", "black", 31, 100), ("F", "white", 10, 100)])
    at, above = one(results, "E", "black"), one(results, "F", "black")
    assert (30 / 100) / (10 / 100) == 2.9999999999999996  # what naive float division gives
    assert at["ratio"] == 3.0 and at["flagged"] is False  # exactly 3: not strictly above
    assert above["ratio"] == pytest.approx(3.1, rel=1e-15) and above["flagged"] is True
    assert one(run([("E", "black", 30, 100), ("E", "white", 10, 100)], threshold="2.99"),
               "E", "black")["flagged"] is True


def test_exact_ratio_of_three_is_not_flagged_where_naive_floats_overshoot():
    # (13/30) / (13/90) is exactly 3, but naive float division gives 3.0000000000000004,
    # which a float comparison would flag.
    assert (13 / 30) / (13 / 90) == 3.0000000000000004
    r = one(run([("H", "black", 13, 30), ("H", "white", 13, 90)]), "H", "black")
    assert r["ratio"] == 3.0 and r["flagged"] is False
    # the same at the state level (ARR): LEA comparison 9 < 10, state's other groups 13 of 90
    arr = one(run([("H", "black", 13, 30), ("H", "white", 9, 90)], [("white", 13, 90)]), "H", "black")
    assert arr["ratio_type"] == "ARR" and arr["ratio"] == 3.0 and arr["flagged"] is False


def test_alternate_risk_ratio_when_lea_comparison_is_below_min_cell():
    # The LEA's comparison group (white, 5 identified) is below the cell of 10: 300.647(b)(5).
    # State comparison for black = white 2000/50000 + hispanic 1000/40000 = 3000/90000.
    state = [("black", 1000, 10000), ("white", 2000, 50000), ("hispanic_latino", 1000, 40000)]
    results = run([("B", "black", 12, 40), ("B", "white", 5, 100)], state)
    r = one(results, "B", "black")
    assert r["ratio_type"] == "ARR" and r["na_reason"] is None
    assert (r["comparison_count"], r["comparison_population"]) == (3000, 90000)
    assert r["ratio"] == 9.0  # (12/40) / (3000/90000) = 0.3 * 30
    assert r["flagged"] is True
    low, high = katz(12, 40, 3000, 90000)
    assert r["ci_low"] == pytest.approx(low, rel=1e-12)
    assert r["ci_high"] == pytest.approx(high, rel=1e-12)
    assert r["risk_difference"] == pytest.approx(0.3 - 1 / 30, rel=1e-12)
    white = one(results, "B", "white")
    assert white["ratio_type"] == "NA" and white["na_reason"] == "group_count_below_min_cell"


def test_alternate_risk_ratio_when_lea_comparison_population_is_one_below_min_n():
    state = [("black", 1000, 10000), ("white", 2000, 50000)]
    r = one(run([("B", "black", 12, 40), ("B", "white", 10, 29)], state), "B", "black")
    assert r["ratio_type"] == "ARR"
    assert r["ratio"] == pytest.approx((12 / 40) / (2000 / 50000), rel=1e-15)  # 7.5
    ok = one(run([("B", "black", 12, 40), ("B", "white", 10, 30)], state), "B", "black")
    assert ok["ratio_type"] == "RR" and ok["ratio"] == pytest.approx(0.9, rel=1e-15)  # 0.3 / (10/30)


@pytest.mark.parametrize(
    "count, population, reason",
    [(9, 100, "group_count_below_min_cell"), (10, 29, "group_population_below_min_n"),
     (10, 30, None)],
)
def test_group_minimums_one_below_and_at(count, population, reason):
    r = one(run([("C", "asian", count, population), ("C", "white", 40, 400)]), "C", "asian")
    assert r["na_reason"] == reason
    if reason:
        assert r["ratio_type"] == "NA" and r["flagged"] is False
        for measure_name in ("ratio", "weighted_risk_ratio", "risk_difference", "odds_ratio",
                             "ci_low", "ci_high"):
            assert r[measure_name] is None
        assert r["risk"] == count / population  # descriptive numbers stay
    else:
        assert r["ratio_type"] == "RR" and r["ratio"] == pytest.approx((10 / 30) / 0.1, rel=1e-15)


def test_settings_change_the_minimums():
    r = one(run([("C", "asian", 9, 100), ("C", "white", 40, 400)], min_cell=9), "C", "asian")
    assert r["ratio_type"] == "RR" and r["ratio"] == pytest.approx(0.9, rel=1e-15)


def test_no_ratio_when_state_comparison_is_too_small_or_missing():
    lea = [("D", "black", 12, 40), ("D", "white", 5, 100)]
    # state comparison for black: white 9 of 5000, one below the cell of 10 -> 300.647(c)(2)
    small = one(run(lea, [("black", 100, 1000), ("white", 9, 5000)]), "D", "black")
    assert small["ratio_type"] == "NA" and small["na_reason"] == "state_comparison_below_minimums"
    assert small["ratio"] is None and small["flagged"] is False
    assert (small["comparison_count"], small["comparison_population"]) == (5, 100)  # the LEA's
    none = one(run(lea), "D", "black")
    assert none["na_reason"] == "comparison_below_minimums_no_state_data"
    other_category = one(run(lea, [("white", 900, 5000, "placement_separate")]), "D", "black")
    assert other_category["na_reason"] == "comparison_below_minimums_no_state_data"


def test_zero_counts():
    # With the default cell of 10, a zero count gets no ratio.
    assert one(run([("Z", "black", 0, 50), ("Z", "white", 20, 100)]), "Z", "black")["na_reason"] \
        == "group_count_below_min_cell"
    # With cell 0, a zero count is a risk ratio of 0: no log CI (ln 0), odds ratio 0.
    r = one(run([("Z", "black", 0, 50), ("Z", "white", 20, 100)], min_cell=0), "Z", "black")
    assert r["ratio_type"] == "RR" and r["ratio"] == 0.0 and r["flagged"] is False
    assert r["ci_low"] is None and r["ci_high"] is None
    assert r["odds_ratio"] == 0.0
    assert r["risk_difference"] == pytest.approx(-0.2, rel=1e-15)
    # A comparison risk of zero leaves the ratio undefined (division by zero).
    z = one(run([("Z", "black", 10, 50), ("Z", "white", 0, 100)], min_cell=0), "Z", "black")
    assert z["ratio_type"] == "NA" and z["na_reason"] == "comparison_risk_zero"
    assert z["comparison_risk"] == 0.0 and z["ratio"] is None
    # Nobody identified at all: composition is undefined, not zero.
    nobody = one(run([("Z", "black", 0, 50), ("Z", "white", 0, 100)], min_cell=0), "Z", "black")
    assert nobody["composition"] is None and nobody["na_reason"] == "comparison_risk_zero"


def test_weighted_risk_ratio_worked_example():
    # State populations: hispanic 500, black 300, white 200. LEA risks: hispanic 20/100 = 0.2,
    # black 30/100 = 0.3, white 10/200 = 0.05. WRR(black) = 0.3 / ((500*0.2 + 200*0.05) / 700)
    # = 0.3 * 700 / 110 = 21/11; WRR(hispanic) = 0.2 / ((300*0.3 + 200*0.05) / 500) = 1;
    # WRR(white) = 0.05 / ((500*0.2 + 300*0.3) / 800) = 4/19.
    lea = [("W", "hispanic_latino", 20, 100), ("W", "black", 30, 100), ("W", "white", 10, 200)]
    state = [("hispanic_latino", 50, 500), ("black", 60, 300), ("white", 10, 200)]
    results = run(lea, state)
    assert one(results, "W", "black")["weighted_risk_ratio"] == pytest.approx(21 / 11, rel=1e-12)
    assert one(results, "W", "hispanic_latino")["weighted_risk_ratio"] == pytest.approx(1.0, rel=1e-12)
    assert one(results, "W", "white")["weighted_risk_ratio"] == pytest.approx(4 / 19, rel=1e-12)
    # The plain RR for black uses the LEA's own (white-heavy) mix: 0.3 / (30/300) = 3.
    assert one(results, "W", "black")["ratio"] == 3.0
    # A state group with a population that the LEA lacks leaves a term missing: WRR undefined.
    missing = run(lea, state + [("asian", 5, 100)])
    assert all(one(missing, "W", g)["weighted_risk_ratio"] is None
               for g in ("hispanic_latino", "black", "white"))
    # A state group with no population carries no weight.
    weightless = run(lea, state + [("asian", 0, 0)])
    assert one(weightless, "W", "black")["weighted_risk_ratio"] == pytest.approx(21 / 11, rel=1e-12)


def test_consecutive_years_over_the_threshold():
    # black vs white 10 of 100 each year: 40 -> RR 4 (flag), 20 -> RR 2, 5 -> NA (cell), 2026 missing.
    black = {2019: 40, 2020: 40, 2021: 20, 2022: 40, 2023: 40, 2024: 40, 2025: 5, 2027: 40}
    rows = []
    for year, count in black.items():
        rows += [("L", "black", count, 100, CAT, year), ("L", "white", 10, 100, CAT, year)]
    expected = {2019: 1, 2020: 2, 2021: 0, 2022: 1, 2023: 2, 2024: 3, 2025: 0, 2027: 1}
    results = run(rows)
    for year, years_over in expected.items():
        r = one(results, "L", "black", CAT, year)
        assert r["years_over_threshold"] == years_over, year
        assert r["significant"] is (years_over >= 3), year
    assert one(results, "L", "black", CAT, 2020)["prior_year_ratio"] == 4.0
    assert one(results, "L", "black", CAT, 2022)["two_years_prior_ratio"] == 4.0
    assert one(results, "L", "black", CAT, 2027)["prior_year_ratio"] is None  # 2026 missing
    two = run(rows, consecutive_years=2)
    assert [y for y in black if one(two, "L", "black", CAT, y)["significant"]] == [2020, 2023, 2024]
    single = run(rows, consecutive_years=1)
    assert [y for y in black if one(single, "L", "black", CAT, y)["significant"]] == \
        [2019, 2020, 2022, 2023, 2024, 2027]


def test_total_removals_may_exceed_population_and_use_the_rate_ratio_interval():
    cat = "discipline_total_removals"
    r = one(run([("R", "black", 45, 30, cat), ("R", "white", 20, 100, cat)], total_removals_min_cell="removals"),
            "R", "black", cat)
    assert r["risk"] == 1.5  # removals per child
    assert r["ratio"] == 7.5  # (45 * 100) / (30 * 20)
    assert r["odds_ratio"] is None  # removals are events, not children: no odds
    se = math.sqrt(1 / 45 + 1 / 20)
    assert r["ci_low"] == pytest.approx(math.exp(math.log(7.5) - 1.96 * se), rel=1e-12)
    assert r["ci_high"] == pytest.approx(math.exp(math.log(7.5) + 1.96 * se), rel=1e-12)


def test_categories_and_years_are_compared_separately():
    rows = [("A", "black", 40, 100, "identification_sld"), ("A", "white", 10, 100, "identification_sld"),
            ("A", "black", 10, 100, "identification_ed"), ("A", "white", 40, 100, "identification_ed"),
            ("A", "black", 10, 100, "identification_sld", 2023), ("A", "white", 40, 100, "identification_sld", 2023)]
    results = run(rows)
    assert one(results, "A", "black", "identification_sld")["ratio"] == 4.0
    assert one(results, "A", "black", "identification_ed")["ratio"] == 0.25
    assert one(results, "A", "black", "identification_sld", 2023)["ratio"] == 0.25


def test_total_removals_minimum_cell_counts_children_not_removals():
    # 300.647(a): the minimum cell is "the number of children experiencing a particular outcome".
    # Black: 12 removals by 2 children of 40; white: 30 removals by 15 children of 100.
    cat = "discipline_total_removals"
    rows = [CountRow(2, YEAR, "R", cat, "black", 12, 40, 2), CountRow(3, YEAR, "R", cat, "white", 30, 100, 15)]
    (black, white) = measure(rows, load_settings())
    assert (black["ratio_type"], black["na_reason"]) == ("NA", "group_count_below_min_cell")  # 2 < 10
    assert black["children"] == 2 and black["count"] == 12
    # white: 15 children >= 10, but its comparison (black) has 2 children: no LEA ratio, no state data
    assert white["na_reason"] == "comparison_below_minimums_no_state_data"
    # counted in removals (a setting), 12 >= 10 and 30 >= 10: the risk ratio of removals per child
    (black, _) = measure(rows, load_settings(total_removals_min_cell="removals"))
    assert black["ratio_type"] == "RR"
    assert black["ratio"] == 1.0  # (12 / 40) / (30 / 100)


def test_a_category_has_its_own_threshold():
    # identification_sld: 35 of 100 against 10 of 100 = 3.5; identification_ed the same counts.
    rows = [("A", "black", 35, 100, "identification_sld"), ("A", "white", 10, 100, "identification_sld"),
            ("A", "black", 35, 100, "identification_ed"), ("A", "white", 10, 100, "identification_ed")]
    counts = [CountRow(i, YEAR, lea, cat, group, a, n) for i, (lea, group, a, n, cat) in enumerate(rows)]
    results = {r["category"]: r for r in measure(counts, load_settings({"identification_sld": {"threshold": "4"}}))
               if r["group"] == "black"}
    assert results["identification_sld"]["ratio"] == 3.5
    assert results["identification_sld"]["flagged"] is False  # 3.5 is not above its own 4
    assert results["identification_sld"]["threshold"] == "4"
    assert results["identification_ed"]["flagged"] is True  # 3.5 > the default 3.0
    assert results["identification_ed"]["threshold"] == "3.0"


def test_reasonable_progress_is_off_by_default_and_a_state_decrease_when_set():
    # black against white: 6.0, 5.0, 4.0 in 2022-2024 (each year 1.0 lower), three years flagged.
    rows = []
    for year, a in ((2022, 60), (2023, 50), (2024, 40)):
        rows += [("L", "black", a, 100, CAT, year), ("L", "white", 10, 100, CAT, year)]
    assert one(run(rows), "L", "black")["significant"] is True
    assert one(run(rows), "L", "black")["reasonable_progress"] is False
    decrease = run(rows, reasonable_progress="0.5")
    assert one(decrease, "L", "black")["reasonable_progress"] is True
    assert one(decrease, "L", "black")["significant"] is False  # 300.647(d)(2)
    assert one(run(rows, reasonable_progress="1.5"), "L", "black")["significant"] is True  # fell by 1.0 only
