"""A night that rejects a file, or quarantines more than the set share of one, is told to the
coordinator by email and webhook: the run-status sensors over the run recorded in $DAGSTER_HOME."""
from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from pipelines.commands.serve import prepare_home
from pipelines.run_load import run_load
from pipelines.sensors import alert_on_failed_load, alert_on_loaded_with_problems
from tests.integration.alert_receivers import http_receiver, smtp_server
from tests.integration.landing_builder import CLEAN, write_csv

pytestmark = pytest.mark.integration


def write_config(path: Path, smtp_port: int, webhook_url: str, share: float | None = None) -> Path:
    share_line = f"  quarantine_share: {share}\n" if share is not None else ""
    path.write_text(
        "alerts:\n" + share_line +
        "  email:\n"
        "    host: 127.0.0.1\n"
        f"    port: {smtp_port}\n"
        "    security: none\n"
        "    from: alignboard@district.example\n"
        "    to: [data-team@district.example, it@district.example]\n"
        "  webhook:\n"
        f"    url: {webhook_url}\n")
    return path


def load_in_instance(landing: Path, warehouse: Path, home: Path, monkeypatch):
    """`alignboard load` with $DAGSTER_HOME set: (instance, run) of the run it recorded there."""
    monkeypatch.setenv("DAGSTER_HOME", str(prepare_home(home)))
    outcome = run_load(landing, warehouse, progress=False)
    instance = dg.DagsterInstance.from_config(str(home))
    return instance, instance.get_run_by_id(outcome.run_id)


def sensor_context(sensor, instance, run, status: dg.DagsterEventType):
    event = instance.all_logs(run.run_id, of_type=status)[-1].dagster_event
    return dg.build_run_status_sensor_context(sensor_name=sensor.name, dagster_event=event,
                                              dagster_instance=instance, dagster_run=run)


def with_bad_attendance_date(landing: Path) -> None:
    """The clean week of attendance (6 students x 5 days = 30 rows) and one row with 2026-02-30."""
    rows = [list(r) for r in CLEAN["attendance_daily.csv"]] + [["00101", "S1", "2026-02-30", "present"]]
    write_csv(landing / "attendance_daily.csv", rows)


def test_a_night_that_loads_a_file_with_warnings_emails_and_posts_the_file_reasons_and_command(
        after_clean_night, tmp_path, monkeypatch):
    landing, warehouse = after_clean_night
    with_bad_attendance_date(landing)
    with smtp_server() as (smtp_port, mailbox), http_receiver() as (url, bodies):
        monkeypatch.setenv("ALIGNBOARD_CONFIG", str(write_config(tmp_path / "district.yaml", smtp_port, url)))
        instance, run = load_in_instance(landing, warehouse, tmp_path / "dagster", monkeypatch)
        assert run.status == dg.DagsterRunStatus.SUCCESS  # a quarantined row does not fail the load
        alert_on_loaded_with_problems(sensor_context(alert_on_loaded_with_problems, instance, run,
                                                     dg.DagsterEventType.RUN_SUCCESS))

    assert len(mailbox.messages) == 1 and len(bodies) == 1
    mail = mailbox.messages[0]
    assert mailbox.recipients[0] == ["data-team@district.example", "it@district.example"]
    assert mail["From"] == "alignboard@district.example"
    subject = mail["Subject"].strip()  # a long header may be folded onto a second line
    assert subject == f"Alignboard load {run.run_id[:8]}: 1 file with too many rows quarantined"
    text = mail.get_content().replace("\r\n", "\n")  # SMTP carries CRLF line ends
    # 31 rows read, 1 quarantined: 1 / 31 = 3.226%, above the contract's default warning of 1%
    assert ("attendance_daily.csv: 1 of 31 rows quarantined (3.226%, above the file's warning threshold): "
            "invalid_date:calendar_date 1") in text
    assert f"alignboard quarantine attendance_daily.csv --warehouse {warehouse.resolve()}" in text
    assert "students.csv" not in text  # nothing quarantined there
    assert "00101" not in text  # never a student row
    assert bodies[0]["content_type"].startswith("application/json")
    assert bodies[0]["json"]["text"] == f"{subject}\n\n{text.rstrip(chr(10))}"


def test_a_rejected_file_fails_the_night_and_the_alert_names_it_its_reason_and_the_files_not_run(
        after_clean_night, tmp_path, monkeypatch):
    landing, warehouse = after_clean_night
    write_csv(landing / "schools.csv", [["school_id", "school_name"], ["S1", "North Elementary"]])
    with smtp_server() as (smtp_port, mailbox), http_receiver() as (url, bodies):
        monkeypatch.setenv("ALIGNBOARD_CONFIG", str(write_config(tmp_path / "district.yaml", smtp_port, url)))
        instance, run = load_in_instance(landing, warehouse, tmp_path / "dagster", monkeypatch)
        assert run.status == dg.DagsterRunStatus.FAILURE
        alert_on_failed_load(sensor_context(alert_on_failed_load, instance, run, dg.DagsterEventType.RUN_FAILURE))

    assert len(mailbox.messages) == 1 and len(bodies) == 1
    mail = mailbox.messages[0]
    assert mail["Subject"].strip() == f"Alignboard load {run.run_id[:8]}: 1 file rejected"
    text = mail.get_content().replace("\r\n", "\n")  # SMTP carries CRLF line ends
    assert "schools.csv: line 1: missing required columns district_id, school_level" in text
    assert f"alignboard quarantine schools.csv --warehouse {warehouse.resolve()}" in text
    # the files that need schools were not judged tonight: each named, with why
    not_run = next(line for line in text.splitlines() if line.startswith("not run because schools.csv did not load: "))
    assert {"students.csv", "attendance_daily.csv"} <= set(not_run.split(": ", 1)[1].split(", "))
    assert bodies[0]["json"]["text"].startswith(f"Alignboard load {run.run_id[:8]}: 1 file rejected\n\n")
