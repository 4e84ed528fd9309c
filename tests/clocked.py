"""Run a Python module as a program on the tests' clock: `python -m tests.clocked celery -A config worker ...`.

A process the tests start (a Celery worker) otherwise runs on the machine's clock while the tests run on
the pinned one (tests/clock.py). This travels to `FITWELL_TEST_NOW` (ticking) and then runs the module
as `__main__`; forked children (the worker's pool) inherit the clock.
"""

from __future__ import annotations

import runpy
import sys

import time_machine

from tests.clock import pinned_now

if __name__ == "__main__":
    time_machine.travel(pinned_now(), tick=True).start()
    sys.argv = sys.argv[1:]
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
