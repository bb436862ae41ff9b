"""Modules imported, then data held: under --pyframes the runner must not
keep what the program let go, as each module's body code once was
(tests/flame.bats compares the heap at the end of main)."""
import argparse  # noqa: F401
import decimal  # noqa: F401
import email.parser  # noqa: F401
import http.client  # noqa: F401
import json
import xml.dom.minidom  # noqa: F401

kept = [json.dumps({"n": i}) for i in range(20000)]
