"""The dashboard's small pieces: URL state, numbers as people read them, category labels."""
from dashboards.components import formatting as fmt
from dashboards.components.state import href, parse, school_year_label, year_of
from dashboards.components.labels import category_label


def test_url_state_round_trips_in_a_fixed_key_order():
    link = href("/metric", group="idea:yes", year=2026, metric="attendance_rate", level="school", entity="01001")
    assert link == "/metric?level=school&entity=01001&metric=attendance_rate&year=2026&group=idea%3Ayes"
    assert parse(link.split("?", 1)[1]) == {"level": "school", "entity": "01001", "metric": "attendance_rate",
                                             "year": "2026", "group": "idea:yes"}
    assert href("/", level=None, entity="") == "/"


def test_years_from_the_url():
    assert year_of("2026") == 2026
    assert year_of(None) is None and year_of("") is None and year_of("last") is None
    assert school_year_label(2026) == "2025-26"
    assert school_year_label(2000) == "1999-00"


def test_numbers_in_their_units_and_no_data_is_not_zero():
    assert fmt.number(0.9354, "share") == "93.5%"
    assert fmt.number(0.0, "share") == "0.0%"
    assert fmt.number(None, "share") == "no data"
    assert fmt.number(float("nan"), "hours") == "no data"
    assert fmt.number(6.94, "hours") == "6.9 h"
    assert fmt.change(0.012, "share") == "▲ +1.2 pts"
    assert fmt.change(-0.5, "hours") == "▼ -0.5 h"
    assert fmt.change(None, "share") == "no prior year"
    assert fmt.plot_value(None, "share") is None
    assert fmt.plot_value(0.25, "share") == 25.0


def test_every_status_has_a_word_and_an_icon():
    assert fmt.status_of("off") == ("off", "✗", "Off target")
    assert fmt.status_of("suppressed") == ("suppressed", "⊘", "Suppressed")
    assert fmt.status_of(None) == ("no_target", "·", "No target")


def test_metric_and_category_names_read_as_words():
    assert fmt.metric_name("Percent favorable (family.teacher_student_relationships)") == \
        "Percent favorable (family · teacher student relationships)"
    assert fmt.metric_name("Attendance rate") == "Attendance rate"
    assert category_label("discipline_oss_exp_gt10") == \
        "Discipline: out-of-school suspension expulsion more than 10 days"
    assert category_label("mtss_reading_tier2") == "MTSS: reading tier 2"
