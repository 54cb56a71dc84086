"""The landing-folder sensor's decision: run once per settled change, never on half-copied files."""
import json

from pipelines.sensors import SETTLE_SECONDS, decide_landing_run, landing_fingerprint


def test_new_files_trigger_a_run_once_settled(tmp_path):
    (tmp_path / "students.csv").write_text("student_id\n1\n")
    (tmp_path / "notes.txt").write_text("ignored")
    fingerprint = landing_fingerprint(tmp_path)
    assert list(fingerprint) == ["students.csv"]
    (tmp_path / "plans.xlsx").write_bytes(b"PK")  # the plan workbook is a landing file too
    assert list(landing_fingerprint(tmp_path)) == ["plans.xlsx", "students.csv"]
    (tmp_path / "plans.xlsx").unlink()
    written = fingerprint["students.csv"][1] / 1e9

    key, detail = decide_landing_run(fingerprint, None, now=written + 1)
    assert key is None and detail == ["files are still being written"]

    key, changed = decide_landing_run(fingerprint, None, now=written + SETTLE_SECONDS + 1)
    assert key is not None and changed == ["students.csv"]

    cursor = json.dumps(fingerprint, sort_keys=True)
    assert decide_landing_run(fingerprint, cursor, now=written + 999) == (None, ["no new or changed files"])


def test_a_changed_file_triggers_a_new_run(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    (tmp_path / "b.csv").write_text("x\n1\n")
    before = landing_fingerprint(tmp_path)
    (tmp_path / "b.csv").write_text("x\n1\n2\n")
    after = landing_fingerprint(tmp_path)
    now = max(m for _, m in after.values()) / 1e9 + SETTLE_SECONDS + 1
    first_key, _ = decide_landing_run(before, None, now)
    key, changed = decide_landing_run(after, json.dumps(before), now)
    assert changed == ["b.csv"] and key != first_key


def test_empty_folder_does_not_run(tmp_path):
    assert decide_landing_run(landing_fingerprint(tmp_path), None, now=0) == (None, ["the landing folder is empty"])
