"""`alignboard report team ID`: the meeting packet of a team of the hand-built district
(tests/unit/metrics_fixture.py, no teams.csv: BLT:S1 is the building team of Maple Elementary,
biweekly), as JSON, and as a PDF whose text read back holds the same values."""
import json
import re

import pytest
from pypdf import PdfReader

from pipelines.cli import main
from tests.unit.metrics_fixture import build_warehouse_file

DAY = "2025-12-15"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return build_warehouse_file(tmp_path_factory.mktemp("report") / "warehouse.duckdb")


@pytest.fixture(scope="module")
def packet(warehouse):
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["report", "team", "BLT:S1", "--warehouse", str(warehouse), "--as-of", DAY, "--format", "json"]) == 0
    return json.loads(out.getvalue())


def row(packet, metric_id):
    (found,) = [r for r in packet["scorecard"] if r["metric_id"] == metric_id]
    return found


def test_the_packet_says_which_meeting_it_is_for(packet):
    assert packet["title"] == "BLT Maple Elementary: meeting packet"
    assert packet["team"]["team_id"] == "BLT:S1" and packet["team"]["cadence"] == "biweekly"
    # BLT S1 met 09-03, 09-17, 10-01, 10-15, 11-05: the last before 12-15 is 11-05; biweekly = 14 days on
    assert (packet["meeting_date"], packet["last_meeting_date"], packet["next_meeting_date"]) == (
        DAY, "2025-11-05", "2025-12-29")
    assert packet["last_meeting"] == {"date": "2025-11-05", "metrics_reviewed": "attendance_rate",
                                      "metrics_reviewed_names": ["Attendance rate"],
                                      "next_steps": "Walkthroughs on learning targets; bring CFA results",
                                      "decisions": "Keep the attendance plan another month"}
    # 11-05 + 14 days = 11-19, before 12-15: the cadence was missed
    assert (packet["next_meeting_due"], packet["cadence_missed"]) == ("2025-11-19", True)


def test_the_scorecard_has_the_change_since_the_last_meeting(packet):
    # S1 attendance, all in September: 57 of 65 days = 87.7%, 7 students; 95% target missed by more than 2
    attendance = row(packet, "attendance_rate")
    assert (attendance["value"], attendance["n"], attendance["status"]) == (pytest.approx(57 / 65), 7, "off target")
    assert attendance["change_text"] == "no change"
    # BLT at least 2 meetings a month: by 12-15 September and October met, November (one meeting) over
    # and missed -> 2 of 3; by 11-05 November is neither over nor met -> 2 of 2: 33.3 points worse
    cadence = row(packet, "meeting_cadence_met")
    assert (cadence["value"], cadence["value_at_last_meeting"]) == (pytest.approx(2 / 3), 1.0)
    assert cadence["change_text"] == "-33.3 pts (worse)"


def test_overdue_steps_and_data_notes(packet):
    # A4 "Call families" was due 2025-12-01 and is not done: 14 days overdue on 12-15
    assert [(a["description"], a["due_date"], a["days_overdue"]) for a in packet["overdue_action_steps"]] == [
        ("Call families", "2025-12-01", 14)]
    # the newest row by 12-15: the in-school suspension and the coaching session of 12-01
    assert packet["data_notes"]["data_date"] == "2025-12-01"
    # the analyst may see students: nothing is hidden from them
    assert packet["data_notes"]["hidden_cells"] == []


def test_the_goals_strategies_and_roadmap_of_the_school_plan(packet):
    # G2 "Attendance at S1" (plan PL2 of S1): baseline 0.90, target 0.95, no dates -> not measurable;
    # its current value is S1's attendance of the latest year by 12-15: 2025-26, 57 of 65
    (goal,) = packet["goals"]
    assert (goal["goal_id"], goal["metric_name"], goal["status"]) == ("G2", "Attendance rate", "not measurable")
    assert goal["current"] == pytest.approx(57 / 65)
    # (57/65 - 0.90) / (0.95 - 0.90) = (0.876923 - 0.9) / 0.05 = -0.4615: behind the baseline
    assert goal["progress"] == pytest.approx((57 / 65 - 0.9) / 0.05)
    # ST1's evidence: attendance on the scorecard, oss_rate too, grit_score named by no catalog metric
    (strategy,) = packet["strategies"]
    assert [(e["metric_id"], e["metric_name"]) for e in strategy["evidence"]] == [
        ("attendance_rate", "Attendance rate"), ("oss_rate", "Out-of-school suspension rate"),
        ("grit_score", "grit_score")]
    assert strategy["evidence"][2]["value_text"] == "no data"
    # the monitor-and-adjust review of PL2 asked for its follow-up by 12-10: past due on 12-15
    (review,) = [r for r in packet["roadmap"] if r["last_review_date"]]
    assert (review["phase"], review["still_to_do"], review["by_when"], review["follow_up_past_due"]) == (
        "Monitor and adjust", "Check walkthrough data", "2025-12-10", True)


def test_the_pdf_text_holds_the_values_of_the_json(tmp_path, warehouse, packet):
    out = tmp_path / "packet.pdf"
    assert main(["report", "team", "BLT:S1", "--warehouse", str(warehouse), "--as-of", DAY, "--out", str(out)]) == 0
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(out).pages))
    expected = [packet["title"], packet["last_meeting_date"], packet["next_meeting_date"],
                packet["last_meeting"]["next_steps"], packet["data_notes"]["data_date"]]
    for r in packet["scorecard"]:
        expected += [r["metric_label"], r["value_text"], r["status"], r["change_text"]]
    expected += [a["description"] for a in packet["overdue_action_steps"]]
    expected += [g["title"] for g in packet["goals"]] + [packet["strategies"][0]["if_we"], "Monitor and adjust"]
    missing = [e for e in expected if re.sub(r"\s+", "", e) not in text]
    assert missing == []


def test_html_and_public_packets(tmp_path, warehouse, capsys):
    page = tmp_path / "packet.html"
    assert main(["report", "team", "BLT:S1", "--warehouse", str(warehouse), "--as-of", DAY, "--out", str(page)]) == 0
    assert "<h1>BLT Maple Elementary: meeting packet</h1>" in page.read_text()
    assert main(["report", "team", "BLT:S1", "--warehouse", str(warehouse), "--as-of", DAY, "--format", "json",
                 "--public"]) == 0
    public = json.loads(capsys.readouterr().out)
    # 7 students at S1: under 10, so hidden in public, with no value, n or change
    attendance = row(public, "attendance_rate")
    assert (attendance["value"], attendance["value_text"], attendance["status"], attendance["n"]) == (
        None, "hidden", "hidden", None)
    assert {"metric_id": "attendance_rate", "reason": "fewer than 10 students"} in public["data_notes"]["hidden_cells"]


def test_errors_are_one_line_with_exit_codes(tmp_path, warehouse, capsys):
    assert main(["report", "team", "BLT:S9", "--warehouse", str(warehouse)]) == 1
    assert capsys.readouterr().err.strip() == "alignboard report: unknown team 'BLT:S9'"
    assert main(["report", "team", "BLT:S1", "--warehouse", str(warehouse), "--out", str(tmp_path / "x.doc")]) == 2
    assert main(["report", "team", "BLT:S1", "--warehouse", str(tmp_path / "none.duckdb")]) == 1
    assert capsys.readouterr().err.strip().endswith("(run `alignboard load` first)")
