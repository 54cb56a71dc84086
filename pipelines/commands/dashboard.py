"""`alignboard dashboard`: serve the Dash app (dashboards/app.py) on one machine.

  alignboard dashboard [--warehouse PATH] [--host 127.0.0.1] [--port 8050]

Flask's own server, for a team on one machine or a demo; a district serves it under gunicorn
(README "The dashboard"). Every page needs a login from the users file (`alignboard users`).
Exit 0 when stopped; 1 no readable warehouse, no users, or the port is taken; 2 usage error or
unsafe login settings (trusted-header mode on an address other than loopback with no
ALIGNBOARD_TRUSTED_PROXIES).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "Serve the dashboard (scorecards, drill-down, needs, equity, data quality) over HTTP."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from assets.warehouse import default_path

    parser.add_argument("--warehouse", type=Path, default=Path(default_path()), help="DuckDB warehouse file")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1: this machine only)")
    parser.add_argument("--port", type=int, default=8050, help="port (default 8050)")


def run(args) -> int:
    if not args.warehouse.is_file():
        print(f"alignboard dashboard: no warehouse at {args.warehouse}; run `alignboard load` first",
              file=sys.stderr)
        return 1
    from assets.warehouse import WarehouseError, check_readable
    from dashboards.auth import UsersFileError, load_users, users_path

    try:
        check_readable(args.warehouse)
        users = load_users()
    except (WarehouseError, UsersFileError) as exc:
        print(f"alignboard dashboard: {exc}", file=sys.stderr)
        return 1
    if not users:
        where = "no users in" if users_path().is_file() else "no users file at"
        print(f"alignboard dashboard: {where} {users_path()} ($ALIGNBOARD_USERS): add a user with "
              "`alignboard users add NAME --scope LEVEL[:ID] --password-stdin`", file=sys.stderr)
        return 1
    # before anything starts a thread: a server that cannot listen must end before DuckDB's
    # threads do, or the process aborts instead of exiting
    busy = port_in_use(args.host, args.port)
    if busy:
        print(f"alignboard dashboard: cannot listen on {args.host}:{args.port} ({busy}); "
              "is the dashboard already running? choose another with --port", file=sys.stderr)
        return 1
    from dashboards.app import create_app
    from dashboards.auth import AuthConfigError

    try:
        app = create_app(warehouse=args.warehouse, warm_up=True, host=args.host)
    except AuthConfigError as error:
        print(f"alignboard dashboard: {error}", file=sys.stderr)
        return 2
    print(f"Alignboard dashboard on http://{args.host}:{args.port}/ (Ctrl+C stops it)", flush=True)
    app.run(host=args.host, port=args.port, debug=False)
    return 0


def port_in_use(host: str, port: int) -> str | None:
    """Why the server could not listen on host:port (the port is taken, the address is not this
    machine's), or None when it can. Binds as the server will, with SO_REUSEADDR."""
    import socket

    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as exc:
        return exc.strerror or str(exc)
    return None
