"""`alignboard users add` refuses what would make a weak or useless login: a password under 12
characters (usage, exit 2) and a scope whose entity is not in the warehouse (exit 1, unless
--force for a user set up before the first load). One line each, never a traceback."""
from __future__ import annotations

import io

import pytest

from dashboards import auth
from pipelines.cli import main


def add(monkeypatch, users, warehouse, name, scope, password, *extra) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["users", "add", name, "--scope", scope, "--password-stdin", "--file", str(users),
                 "--warehouse", str(warehouse), *extra])


def one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def test_a_password_of_eleven_characters_is_refused_and_twelve_accepted(monkeypatch, capsys, tmp_path, district):
    users = tmp_path / "users.yaml"
    assert add(monkeypatch, users, district, "pat", "school:01001", "a") == 2
    assert "1 characters; it needs at least 12" in one_line(capsys)
    assert add(monkeypatch, users, district, "pat", "school:01001", "abcdefghijk") == 2  # 11
    assert "11 characters" in one_line(capsys)
    assert auth.load_users(users) == {}
    assert add(monkeypatch, users, district, "pat", "school:01001", "abcdefghijkl") == 0  # 12
    assert set(auth.load_users(users)) == {"pat"}


def test_a_scope_whose_school_is_not_in_the_warehouse_is_refused(monkeypatch, capsys, tmp_path, district):
    users = tmp_path / "users.yaml"
    assert add(monkeypatch, users, district, "pat", "school:99999", "pat-password-2026") == 1
    message = one_line(capsys)
    assert "no school '99999'" in message and "--force" in message
    assert add(monkeypatch, users, district, "pat", "plc:01001-grade_99", "pat-password-2026") == 1
    assert "no plc '01001-grade_99'" in one_line(capsys)
    assert auth.load_users(users) == {}
    assert add(monkeypatch, users, district, "pat", "school:99999", "pat-password-2026", "--force") == 0
    assert auth.load_users(users)["pat"].scope == "school:99999"


@pytest.mark.parametrize("scope", ["school:01001", "plc:01001-grade_03", "department:TRN", "district"])
def test_a_scope_in_the_warehouse_is_accepted(monkeypatch, tmp_path, district, scope):
    assert add(monkeypatch, tmp_path / "users.yaml", district, "pat", scope, "pat-password-2026") == 0


def test_before_the_first_load_a_user_needs_force(monkeypatch, capsys, tmp_path):
    users, missing = tmp_path / "users.yaml", tmp_path / "no-warehouse.duckdb"
    assert add(monkeypatch, users, missing, "pat", "school:01001", "pat-password-2026") == 1
    assert "no warehouse at" in one_line(capsys)
    assert add(monkeypatch, users, missing, "pat", "school:01001", "pat-password-2026", "--force") == 0
