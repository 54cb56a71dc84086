"""The `alignboard` command: one subcommand per module in pipelines/commands.

Each command module defines HELP, add_arguments(parser) and run(args) -> exit code, and imports
its heavy dependencies inside run() so that `alignboard --help` stays instant.
"""
import argparse
import importlib
import os
import sys

COMMANDS = ["generate", "load", "quality", "quarantine", "accept", "disparity", "export", "plans", "report", "dashboard", "users"]


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


BROKEN_PIPE = 141  # as a command killed by SIGPIPE: the reader (`| head`) stopped reading


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    import duckdb

    from assets.warehouse import WarehouseError

    try:
        code = args.run(args)
        sys.stdout.flush()  # here, not at exit, so a closed pipe is met inside the try
        return code
    except KeyboardInterrupt:
        print("alignboard: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # nobody reads the rest: send it nowhere, so the flush at exit cannot fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE
    except WarehouseError as exc:
        print(f"alignboard {args.command}: {exc}", file=sys.stderr)
        return 1
    except duckdb.Error as exc:  # a warehouse that opens but lacks what the command reads
        print(f"alignboard {args.command}: the warehouse could not be read: {str(exc).strip().splitlines()[0]}",
              file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
