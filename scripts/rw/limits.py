"""LIMIT: how much a figure may grow, or how large it may be -- the one
grammar `rangewall compare`, `make compare` and `rangewall pytest` read.

    LIMIT  = TERM [" " TERM]...          each metric at most once
    TERM   = METRIC ":" "+" P "%" ["@" AMOUNT]
           | METRIC ":" "<" AMOUNT
    P      = a number >= 0              (Ir:+1%, Ir:+0.5%)
    AMOUNT = a number >= 0 [UNIT]       (20000, 24MB, 1.5MiB, 2M)

METRIC:+P%: B may exceed A by at most P per cent of A.  A change no
larger than the floor (@AMOUNT; else the metric's default floor, FLOORS)
always passes: Ir:+0%@20000 allows 20,000 Ir of growth and no more than
that, Ir:+0% allows the metric's noise floor (10,000 Ir).  METRIC:<AMOUNT:
B itself must stay below AMOUNT, as pytest-memray's limit_memory("24 MB")
reads; A plays no part.

UNIT: for byte metrics, B, kB, MB, GB (powers of 1000) or KiB, MiB, GiB
(powers of 1024); for counts, k, M, G (powers of 1000); for wall, s or
ms.  No unit: the metric's own (bytes, instructions, seconds).

parse() returns {metric: Limit}; a bad LIMIT raises LimitError, whose
message names the term and what is allowed: the callers print it in one
line and exit 2.
"""

import math
import re

# The metrics, each with its unit kind and the floor a relative limit
# ignores changes under (run-to-run noise, rounding).
FLOORS = {"Ir": 10000, "heap": 4096, "bytes": 4096, "max_live": 4096, "mapped": 4096,
          "blocks": 16, "wall": 0.005, "syscalls": 4, "errors": 0, "lost": 0,
          "calls": 0, "allocs": 0, "leaked": 4096}
BYTE_METRICS = {"heap", "bytes", "max_live", "mapped", "lost", "leaked"}
UNITS = {
    "bytes": {"B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9, "KiB": 1024, "MiB": 1024 ** 2,
              "GiB": 1024 ** 3},
    "count": {"k": 1e3, "M": 1e6, "G": 1e9},
    "seconds": {"s": 1, "ms": 1e-3},
}
EXAMPLE = "e.g. Ir:+1% Ir:+1%@20000 heap:<24MB"


class LimitError(ValueError):
    pass


class Limit:
    """One metric's limit: relative (pct, floor) or absolute (budget)."""

    def __init__(self, metric, pct=None, floor=None, budget=None):
        self.metric, self.pct, self.floor, self.budget = metric, pct, floor, budget

    def exceeded(self, a, b):
        """True if B breaks the limit (A: the baseline's figure, or None)."""
        if self.budget is not None:
            return b is not None and b >= self.budget
        if a is None or b is None:
            return False
        return b - a > self.floor and (b - a) * 100.0 > self.pct * a + 1e-9 * abs(a)

    def __str__(self):
        if self.budget is not None:
            return "{}:<{:.15g}".format(self.metric, self.budget)
        return "{}:+{:.15g}%@{:.15g}".format(self.metric, self.pct, self.floor)


def unit_kind(metric):
    if metric in BYTE_METRICS:
        return "bytes"
    return "seconds" if metric == "wall" else "count"


def amount(metric, text, term):
    """A number with an optional unit, in the metric's own unit."""
    m = re.match(r"^([0-9]+(?:\.[0-9]+)?)([A-Za-z]*)$", text)
    units = UNITS[unit_kind(metric)]
    if not m:
        raise LimitError("LIMIT '{}': '{}' is not an amount: a number >= 0 and a unit ({}) ({})".format(
            term, text, ", ".join(units), EXAMPLE))
    value, unit = float(m.group(1)), m.group(2)
    if unit and unit not in units:
        raise LimitError("LIMIT '{}': unknown unit '{}' for {} (allowed: {})".format(
            term, unit, metric, ", ".join(units)))
    v = value * (units[unit] if unit else 1)
    if not math.isfinite(v):
        raise LimitError("LIMIT '{}': '{}' is not a finite amount".format(term, text))
    return v


def parse(text, metrics=FLOORS):
    """{metric: Limit} from a LIMIT string; LimitError on a bad one."""
    limits = {}
    for term in text.split():
        metric, colon, spec = term.partition(":")
        if not colon or metric not in metrics:
            raise LimitError("LIMIT '{}': unknown metric '{}' (allowed: {})".format(
                term, metric, ", ".join(metrics)))
        if metric in limits:
            raise LimitError("LIMIT '{}': {} is limited twice".format(term, metric))
        if spec.startswith("<"):
            limits[metric] = Limit(metric, budget=amount(metric, spec[1:], term))
            continue
        m = re.match(r"^\+([0-9]+(?:\.[0-9]+)?)%(?:@(.*))?$", spec)
        if not m:
            raise LimitError("LIMIT '{}': not METRIC:+P% or METRIC:+P%@FLOOR or METRIC:<AMOUNT, "
                             "P a number >= 0 ({})".format(term, EXAMPLE))
        if m.group(2) is not None and m.group(2) == "":
            raise LimitError("LIMIT '{}': '@' needs a floor: an amount ({})".format(term, EXAMPLE))
        floor = amount(metric, m.group(2), term) if m.group(2) is not None else metrics[metric]
        limits[metric] = Limit(metric, pct=float(m.group(1)), floor=floor)
    return limits
