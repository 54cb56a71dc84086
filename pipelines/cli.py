"""The `alignboard` command: one subcommand per module in pipelines/commands.

Each command module defines HELP, add_arguments(parser) and run(args) -> exit code, and imports
its heavy dependencies inside run() so that `alignboard --help` stays instant.
"""
import argparse
import importlib
import sys

COMMANDS = ["generate", "load", "quality", "accept", "disparity", "export", "plans", "dashboard", "users", "serve"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alignboard",
        description="Load a district's landing files, check them, and compute its improvement metrics.",
    )
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"pipelines.commands.{name}")
        sub = subcommands.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("alignboard: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
