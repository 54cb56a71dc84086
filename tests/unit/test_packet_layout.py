"""The meeting packet's words and pages (assets/plans/packet.py) on a packet written by hand."""
import io

from pypdf import PdfReader

from assets.plans import packet as layout


def hand_packet() -> dict:
    goal = {"goal_id": "G1", "plan_id": "P", "title": "Chronic absence falls from 20% to 10%", "metric_id":
            "chronic_absence_rate", "metric_name": "Chronic absence rate", "student_group": "all", "direction": "lower",
            "baseline": 0.20, "baseline_date": "2026-06-30", "target": 0.10, "target_date": "2028-06-30",
            "current": 0.18, "current_year": 2027, "expected": 0.175, "progress": 0.2, "status": "at risk",
            "status_code": "at_risk"}
    return {
        "title": "BLT Maple: meeting packet",
        "team": {"team_id": "BLT:S1", "team_type": "BLT", "team_name": "BLT Maple", "owner_level": "school",
                 "owner_id": "S1", "owner_name": "Maple", "cadence": "biweekly", "members": 0},
        "meeting_date": "2026-12-07", "as_of": "2026-12-07", "last_meeting_date": "2026-11-10",
        "meetings_this_year": 4, "next_meeting_date": "2026-12-21", "next_meeting_due": "2026-11-24",
        "cadence_missed": True, "scorecard": [], "goals": [goal], "strategies": [], "overdue_action_steps": [],
        "action_steps": [], "roadmap": [], "last_meeting": None,
        "data_notes": {"data_date": "2026-12-07", "hidden_cells": [], "rejected_files": []},
    }


def test_a_change_is_better_or_worse_by_the_metrics_direction():
    # chronic absence (lower is better) down 1.3 points: better; attendance (higher) down 0.4: worse
    assert layout.show_change(-0.013, "share", "lower") == "-1.3 pts (better)"
    assert layout.show_change(-0.004, "share", "higher") == "-0.4 pts (worse)"
    # PD hours are a ceiling: 0.2222 h more is worse, shown at the unit's precision; 0.01 h is no change
    assert layout.show_change(0.2222, "hours", "lower") == "+0.2 h (worse)"
    assert layout.show_change(0.01, "hours", "lower") == "no change"


def test_the_pdf_draws_each_measured_goals_trajectory_and_says_the_missed_cadence():
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(layout.pdf_bytes(hand_packet()))).pages)
    # the chart's labels: baseline 20.0% on 2026-06-30, target 10.0% by 2028-06-30, now 18.0% (at risk)
    for words in ("2026-06-30 baseline 20.0%", "target 10.0% by 2028-06-30", "now 18.0% (at risk)",
                  "cadence missed: a meeting was due by 2026-11-24"):
        assert words in text, words


def test_a_strategy_reads_as_one_sentence_without_repeating_if_and_then():
    assert layout.clause("If we call families", "if") == "we call families"
    assert layout.clause("Then teams know each student", "then") == "teams know each student"
    assert layout.clause("we coach teachers", "if") == "we coach teachers"
