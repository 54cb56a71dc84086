"""`alignboard load` and $DAGSTER_HOME: a home that is not a folder is a one-line usage error."""
from pipelines.cli import main


def test_a_dagster_home_that_does_not_exist_is_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    (tmp_path / "landing").mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "no-such-home"))
    code = main(["load", "--landing", str(tmp_path / "landing"), "--warehouse", str(tmp_path / "w.duckdb")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1] == (f"alignboard load: DAGSTER_HOME={tmp_path / 'no-such-home'} is not a folder; create it "
                       f"or run `alignboard serve --home {tmp_path / 'no-such-home'}` once")
    assert not (tmp_path / "w.duckdb").exists()  # nothing was loaded
