"""`alignboard dashboard`: serve the Dash app (dashboards/app.py) on one machine.

  alignboard dashboard [--warehouse PATH] [--host 127.0.0.1] [--port 8050]

Flask's own server, for a team on one machine or a demo; a district serves it under gunicorn
(README "The dashboard"). Every page needs a login from the users file (`alignboard users`).
Exit 0 when stopped, 1 no warehouse, 2 usage error or unsafe login settings (trusted-header
mode on an address other than loopback with no ALIGNBOARD_TRUSTED_PROXIES).
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
