"""Run `alignboard load` in this process with one function made to misbehave, for the fault tests:

    python -m tests.reliability.killer MODULE:FUNCTION CALL ACTION -- load --landing ... --warehouse ...

On the CALL-th call of MODULE.FUNCTION the process does ACTION first: `kill` (SIGKILL itself: no
cleanup, no flush, as a power cut or the OOM killer would) or `sleep` (hold the lock for a while).
"""
import importlib
import os
import signal
import sys
import time


def main() -> int:
    target, call, action, _, *argv = sys.argv[1:]
    module_name, function_name = target.split(":")
    module = importlib.import_module(module_name)
    original = getattr(module, function_name)
    calls = {"n": 0}

    def misbehaving(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == int(call):
            print(f"killer: {action} at {target} call {call}", file=sys.stderr, flush=True)
            if action == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            time.sleep(float(os.environ.get("KILLER_SLEEP", "8")))
        return original(*args, **kwargs)

    setattr(module, function_name, misbehaving)
    from pipelines.cli import main as cli

    return cli(argv)


if __name__ == "__main__":
    sys.exit(main())
