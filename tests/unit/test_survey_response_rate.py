"""survey_response_rate with the optional school_year of survey_invitations.csv: a survey nobody
answered has a response rate of 0, not "no data" (tests/unit/metrics_fixture.py)."""
from tests.unit.metrics_fixture import build_marts, cell, district


def test_invitations_without_responses_give_a_rate_of_0():
    con = district()
    # SV3: 5 families invited at S2 in 2025-26, nobody answered. SV4: 7 families at S1, nobody
    # answered and no school_year: no year to put it in (today's rule), so no rate.
    con.execute("INSERT INTO staging.survey_invitations VALUES ('SV3', 'S2', 'family', 5, 2026), "
                "('SV4', 'S1', 'family', 7, NULL)")
    build_marts(con)
    assert cell(con, "survey_response_rate.family", "school", "S2") == (0, 5, 0.0)
    assert cell(con, "survey_response_rate.family", "district", "D1") == (0, 5, 0.0)
    assert cell(con, "survey_response_rate.family", "school", "S1") is None
    # the surveys without a school_year keep the year of their responses: S1 students 3 of 4
    assert cell(con, "survey_response_rate.student", "school", "S1") == (3, 4, 0.75)


def test_the_invitation_year_wins_over_the_year_of_the_responses():
    con = district()
    con.execute("UPDATE staging.survey_invitations SET school_year = 2025 WHERE survey_id = 'SV2'")
    build_marts(con)
    # SV2's staff answered in 2025-26 but the survey was given for 2024-25: 2 of 3 in 2025
    assert cell(con, "survey_response_rate.staff", "school", "S1", year=2025) == (2, 3, 2 / 3)
    assert cell(con, "survey_response_rate.staff", "school", "S1", year=2026) is None
