"""imports.py - a program that only imports (tests/pep523.bats): each
import runs importlib's bootstrap, whose call sites CPython 3.13 has
already specialised while the interpreter started."""
import csv  # noqa: F401
import decimal  # noqa: F401
import email.message  # noqa: F401
import fractions  # noqa: F401
import http.client  # noqa: F401
import json  # noqa: F401
import statistics  # noqa: F401

print("imported")
