"""`alignboard serve` refuses to start, in one line, what would fail later: a taken port, bad alert settings."""
import socket

from pipelines.cli import main


def test_a_taken_port_is_one_line_and_exit_1(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("ALIGNBOARD_CONFIG", raising=False)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        code = main(["serve", "--home", str(tmp_path / "home"), "--port", str(port)])
    assert code == 1
    assert capsys.readouterr().err == (f"alignboard serve: port {port} on 127.0.0.1 is in use; "
                                       "stop what holds it or pass --port\n")
    assert not (tmp_path / "home").exists()  # nothing started, nothing written


def test_bad_alert_settings_are_one_line_and_exit_2(tmp_path, monkeypatch, capsys):
    config = tmp_path / "district.yaml"
    config.write_text("alerts:\n  email: {host: mail, port: 25, from: a@b.example, to: x@y.example}\n")
    monkeypatch.setenv("ALIGNBOARD_CONFIG", str(config))
    code = main(["serve", "--home", str(tmp_path / "home"), "--no-webserver"])
    assert code == 2
    assert capsys.readouterr().err == f"alignboard serve: {config}: alerts.email.to: Input should be a valid list\n"
