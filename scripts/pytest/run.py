"""rangewall pytest's program: pytest, with rangewall's plugin.

Run as `python run.py PYTEST-ARGS...` in the project's folder: the folder
goes first on sys.path, as under `python -m pytest`, and the plugin's
folder after it.  pytest-benchmark's fixture is switched off, so that a
test's `benchmark` is rangewall's (scripts/pytest/rangewall_pytest.py).
"""
import os
import sys

sys.path[0:1] = [os.getcwd(), os.path.dirname(os.path.abspath(__file__))]

import pytest  # noqa: E402

import rangewall_pytest  # noqa: E402

sys.exit(pytest.main(["-p", "no:benchmark"] + sys.argv[1:], plugins=[rangewall_pytest]))
