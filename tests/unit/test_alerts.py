"""Alert settings, which files an alert names, and delivery when a channel is down."""
from __future__ import annotations

import pytest

from pipelines.alerts.channels import deliver
from pipelines.alerts.message import compose, file_problems
from pipelines.alerts.settings import AlertSettingsError, load_alert_settings
from tests.integration.alert_receivers import free_port, http_receiver


def row(file, status="loaded", read=0, quarantined=0, reasons="{}", message=None, upstream=None):
    return {"file": file, "status": status, "rows_read": read, "rows_loaded": read - quarantined,
            "rows_quarantined": quarantined, "reasons": reasons, "message": message, "upstream_file": upstream}


def test_a_file_the_load_judged_loaded_with_warnings_is_named_with_its_share_and_reasons():
    quality = [
        row("staff", status="loaded_with_warnings", read=200, quarantined=3,
            reasons='{"too_long:email": 2, "control_character:staff_id": 1}'),
        row("students", read=1000, quarantined=5, reasons='{"missing:school_id": 5}'),  # under its threshold
    ]
    (problem,) = file_problems(quality)
    # 3 / 200 = 1.5%; reasons by count, then by name
    assert problem.detail == ("staff.csv: 3 of 200 rows quarantined (1.5%, above the file's warning threshold): "
                              "too_long:email 2, control_character:staff_id 1")


def test_an_alert_share_of_its_own_adds_the_loaded_files_quarantined_more_than_it():
    quality = [
        row("students", read=1000, quarantined=4, reasons='{"missing:school_id": 4}'),  # 0.4%: not more than 0.5%
        row("attendance_daily", read=1000, quarantined=6, reasons='{"invalid_date:calendar_date": 6}'),  # 0.6%
        row("schools", read=0),  # nothing read: no share
    ]
    problems = file_problems(quality, 0.005)
    assert [(p.file, p.status) for p in problems] == [("attendance_daily.csv", "quarantined")]
    assert problems[0].detail == ("attendance_daily.csv: 6 of 1,000 rows quarantined (0.6%, more than 0.5%): "
                                  "invalid_date:calendar_date 6")
    assert file_problems(quality) == []  # without it, only the load's own judgment counts


def test_a_rejected_file_comes_first_with_the_loads_message_and_the_files_not_run_are_grouped_by_what_they_wait_on():
    quality = [row("students", status="not_run", upstream="schools",
                   message="students.csv: not run: it needs schools, which was rejected: ..."),
               row("attendance_daily", status="loaded_with_warnings", read=100, quarantined=2,
                   reasons='{"duplicate_row": 2}'),
               row("plcs", status="not_run", upstream="schools"),
               row("cfa_results", status="not_run", upstream="plcs"),
               row("schools", status="rejected", read=1, quarantined=1,
                   message="schools.csv: line 1: missing required columns district_id")]
    alert = compose("0123456789ab", "/srv/w.duckdb", file_problems(quality), [])
    assert alert.subject == "Alignboard load 01234567: 1 file rejected, 1 file with too many rows quarantined"
    assert alert.text.splitlines() == [
        "The Alignboard load 0123456789ab needs attention (warehouse /srv/w.duckdb).",
        "",
        "schools.csv: line 1: missing required columns district_id",
        "  see the rows: alignboard quarantine schools.csv --warehouse /srv/w.duckdb",
        # 2 / 100 = 2%
        "attendance_daily.csv: 2 of 100 rows quarantined (2%, above the file's warning threshold): duplicate_row 2",
        "  see the rows: alignboard quarantine attendance_daily.csv --warehouse /srv/w.duckdb",
        "not run because plcs.csv did not load: cfa_results.csv",
        "not run because schools.csv did not load: plcs.csv, students.csv",
        "",
        "Every file of the load: alignboard quality --warehouse /srv/w.duckdb",
    ]


def test_a_clean_successful_run_has_no_alert():
    assert compose("r1", "w", file_problems([row("students", read=6)]), []) is None


def test_settings_default_to_the_loads_own_threshold_and_no_channel(tmp_path, monkeypatch):
    monkeypatch.delenv("ALIGNBOARD_WEBHOOK_URL", raising=False)
    path = tmp_path / "district.yaml"
    path.write_text("metrics: {}\n")
    settings = load_alert_settings(path)
    assert (settings.quarantine_share, settings.channels) == (None, [])


def test_the_webhook_url_of_the_environment_wins_over_the_files(tmp_path, monkeypatch):
    path = tmp_path / "district.yaml"
    path.write_text("alerts:\n  webhook: {url: 'https://chat.example/old'}\n")
    monkeypatch.setenv("ALIGNBOARD_WEBHOOK_URL", "https://chat.example/secret-token")
    settings = load_alert_settings(path)
    assert (settings.channels, settings.webhook_url()) == (["webhook"], "https://chat.example/secret-token")


@pytest.mark.parametrize("section, message", [
    ("email: {host: mail, port: 70000, from: a@b.c, to: [x@y.z]}",
     "alerts.email.port: Input should be less than 65536"),
    ("email: {hots: mail, from: a@b.c, to: [x@y.z]}", "alerts.email.host: Field required"),
    ("email: {host: mail, from: a@b.c, to: []}", "alerts.email.to: List should have at least 1 item after validation, not 0"),
    ("quarantine_share: 2", "alerts.quarantine_share: Input should be less than or equal to 1"),
    ("webhook: {url: 'ftp://x'}", "alerts.webhook.url: String should match pattern '^https?://'"),
])
def test_bad_alert_settings_are_one_line_naming_the_file_and_the_field(tmp_path, section, message):
    path = tmp_path / "district.yaml"
    path.write_text(f"alerts:\n  {section}\n")
    with pytest.raises(AlertSettingsError) as error:
        load_alert_settings(path)
    assert str(error.value) == f"{path}: {message}"


def test_a_channel_that_is_down_does_not_stop_the_other(tmp_path, monkeypatch):
    monkeypatch.delenv("ALIGNBOARD_WEBHOOK_URL", raising=False)
    closed_port = free_port()  # nothing listens there
    alert = compose("r1", "w", file_problems([row("schools", status="rejected", message="schools.csv: empty")]), [])
    with http_receiver() as (url, bodies):
        path = tmp_path / "district.yaml"
        path.write_text(f"alerts:\n  email: {{host: 127.0.0.1, port: {closed_port}, security: none, "
                        f"from: a@b.example, to: [c@d.example], timeout_seconds: 5}}\n  webhook: {{url: '{url}'}}\n")
        errors = deliver(load_alert_settings(path), alert)
    assert len(errors) == 1 and errors[0].startswith(f"email via 127.0.0.1:{closed_port} failed: ")
    assert len(bodies) == 1 and bodies[0]["json"]["text"].startswith("Alignboard load r1: 1 file rejected\n\n")
