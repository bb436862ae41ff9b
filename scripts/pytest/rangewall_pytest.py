"""rangewall's pytest plugin: each measured test's call counted alone.

`rangewall pytest` loads it (-p rangewall_pytest) in two passes of the
same tests; see `rangewall pytest --help`.  A test is measured when it
uses the `benchmark` fixture, is marked @pytest.mark.benchmark, or every
test is (--rangewall-all).  What is counted:

- benchmark(fn, *args, **kwargs): one warm-up call, not counted, then
  one counted call of fn; it returns fn's result.  pytest-benchmark's
  fixture of the same name is switched off (-p no:benchmark): under
  rangewall pytest a test gets this one.
- a marked test (or, with --rangewall-all, any test) that does not use
  the fixture: its function called twice, the second call counted; a test
  whose body cannot run twice says @pytest.mark.rangewall(warmup=False).

Fixtures' setup and teardown, collection and pytest's reporting are
outside the count.  In the Callgrind pass, the counted call is a phase of
its own, "t<N>" (vg.phase: a Callgrind part); the pytest around it is
phase "pytest".  In the heap pass (no Valgrind; rangewall-heapcount.so
preloaded), vg.heap() gives the heap at the call's start and end and its
peak.  Each pass writes one JSON line per measured test to
--rangewall-records.  With --rangewall-baseline (a summary.json) the
Callgrind pass checks each test's limits: --rangewall-limit, else the ini
option rangewall_limit, with the metrics of the test's own
@pytest.mark.rangewall(limit="Ir:+2% heap:<24MB") over them one by one.
A test over one fails, its message naming the figure, the baseline's and
the Python function that grew most.
"""

import gc
import json
import os
import re
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from rw import limits as limits_mod  # noqa: E402
# Imported here, not when a baseline is first compared: a run with
# --baseline and one without then load the same modules before the
# tests, and no test's count holds their import.
from rw.callgrind import Part  # noqa: E402
from rw.pyframes import CG_NAME, Map  # noqa: E402

try:
    import vg
except ImportError:     # not under rangewall: the tests run, nothing is counted
    vg = None

# The metrics a test's limit may name, with the floor a relative limit
# ignores changes under.  A test's instruction count repeats within tens
# of Ir across clones and environments (tests/full/pytest.bats checks it),
# so their floor is small: a change below 100 Ir is the part's own
# bookkeeping moving, not the test's work.
METRICS = {"Ir": 100, "cycles": 100, "heap": 0, "leaked": 0, "allocs": 0}
PART = re.compile(r"^callgrind\.out\.(\d+)$")


def pytest_addoption(parser):
    g = parser.getgroup("rangewall", "rangewall pytest (the plugin's own options)")
    g.addoption("--rangewall-pass", choices=("callgrind", "heap"), default=None,
                help="the pass this run is (rangewall pytest sets it)")
    g.addoption("--rangewall-records", default=None,
                help="file: one JSON line per measured test")
    g.addoption("--rangewall-all", action="store_true", help="measure every test")
    g.addoption("--rangewall-heap", default=None,
                help="the heap pass's records, for the Callgrind pass's limits")
    g.addoption("--rangewall-baseline", default=None,
                help="a baseline's summary.json: check each test's limits against it")
    g.addoption("--rangewall-limit", default=None,
                help="limits for every measured test (LIMIT), over the ini option")
    parser.addini("rangewall_limit", "rangewall pytest: limits for every measured test "
                  "(LIMIT, e.g. Ir:+2%% heap:<24MB)", default="")


def pytest_configure(config):
    config.addinivalue_line("markers", "benchmark: rangewall pytest measures this test's call")
    config.addinivalue_line("markers", "rangewall(limit=LIMIT, warmup=True): this test's limits "
                            "under rangewall pytest (e.g. 'Ir:+2% heap:<24MB'); warmup=False: a "
                            "marked test's body runs once, counted, with no warm-up call")
    if config.getoption("--rangewall-pass") is None:
        return
    config._rangewall = Session(config)
    config.pluginmanager.register(config._rangewall, "rangewall-session")


class Session:
    def __init__(self, config):
        self.config = config
        self.pass_ = config.getoption("--rangewall-pass")
        self.all = config.getoption("--rangewall-all")
        self.n = 0
        path = config.getoption("--rangewall-records")
        if path is None and vg is not None and vg.parts:
            path = os.path.join(vg.parts, "tests.jsonl")     # kept with the run's files
        self.records = open(path, "a", encoding="utf-8") if path else None
        self.heap = {}
        heap = config.getoption("--rangewall-heap")
        if heap and os.path.exists(heap):
            with open(heap, encoding="utf-8") as f:
                for line in f:
                    r = json.loads(line)
                    self.heap[r["nodeid"]] = r
        self.baseline = {}
        base = config.getoption("--rangewall-baseline")
        if base:
            with open(base, encoding="utf-8") as f:
                self.baseline = {t["nodeid"]: t for t in json.load(f)["tests"]}
        default = config.getoption("--rangewall-limit")
        if default is None:
            default = config.getini("rangewall_limit")
        self.default_limit = self.parse_limit(default or "", "the project's rangewall_limit")

    @staticmethod
    def parse_limit(text, where):
        try:
            return limits_mod.parse(text, METRICS)
        except limits_mod.LimitError as e:
            raise pytest.UsageError("rangewall: {}: {}".format(where, e))

    def measured(self, item):
        if "benchmark" in getattr(item, "fixturenames", ()):
            return "fixture"
        if item.get_closest_marker("benchmark") is not None:
            return "marker"
        return "all" if self.all else None

    # --- the counted call ------------------------------------------------------------
    def count(self, item, how, fn, warmup=True):
        """Call fn() as the test's counted call, after a full collection and
        (warmup) a first call not counted; record it; check its limits.
        The collection comes first and the counted call right after the
        warm-up: the collector's next run then falls at the same point of
        the test's own allocations, and pymalloc's pools are as the same
        call left them -- an int-churning test moved 7 % with what ran
        before it when the collection came between."""
        self.n += 1
        part = "t{}".format(self.n)
        rec = {"nodeid": item.nodeid, "part": part, "how": how, "pass": self.pass_,
               "outside": outside()}
        gc.collect()
        if warmup:
            fn()
        if self.pass_ == "heap":
            # Nothing between the reset and the call: the base is read in
            # C, so no object made for it is counted as the test's.
            vg.heap_reset()
            try:
                return fn()
            finally:
                end = vg.heap()
                if end is not None:
                    live, peak, allocs, base = end
                    rec.update(heap_start=base, heap_end=live, heap=peak - base,
                               leaked=live - base, allocs=allocs)
                self.write(rec)
        vg.phase(part)
        try:
            result = fn()
        finally:
            vg.phase("pytest")
            figures = self.part_figures(part)
            rec.update(figures)
            over, unchecked = self.check(item, rec)
            if unchecked:
                rec["unchecked"] = unchecked
            self.write(rec)
        if over:
            pytest.fail(over, pytrace=False)
        return result

    def write(self, rec):
        if self.records is not None:
            self.records.write(json.dumps(rec, ensure_ascii=False) + "\n")
            self.records.flush()

    def part_file(self, part):
        """The Callgrind part the phase `part` ended in: the newest one."""
        folder = vg.parts
        if not folder:
            return None
        parts = [(int(m.group(1)), f) for f in os.listdir(folder) for m in [PART.match(f)] if m]
        return os.path.join(folder, max(parts)[1]) if parts else None

    def part_figures(self, part):
        """Ir (and the cache events, when simulated) from the part's header."""
        path = self.part_file(part)
        out = {"file": os.path.basename(path) if path else None}
        if path is None:
            return out
        events = totals = None
        with open(path, encoding="utf-8", errors="replace") as f:
            for line in f:
                if line.startswith("events:"):
                    events = line.split()[1:]
                elif line.startswith("desc: Trigger: Client Request: "):
                    if line.split()[-1] != part:
                        return out      # not ours: say nothing rather than a wrong figure
                elif line.startswith("summary:") or line.startswith("totals:"):
                    totals = [int(x) for x in line.split()[1:]]
        if events and totals:
            out["events"] = dict(zip(events, totals))
            out["Ir"] = out["events"].get("Ir")
        return out

    # --- limits ---------------------------------------------------------------------------
    def check(self, item, rec):
        """(the failure message or None, the limits that could not be
        checked).  The test's limits: the project's (--limit, else the ini
        option), with the marker's metrics over them one by one.  A
        relative limit needs the baseline's figure: without one (no
        --baseline, or a test the baseline lacks, or a figure missing on
        either side) it is not checked, and the record says so."""
        marker = item.get_closest_marker("rangewall")
        limits = dict(self.default_limit)
        if marker is not None and "limit" in marker.kwargs:
            limits.update(self.parse_limit(marker.kwargs["limit"], item.nodeid))
        if not limits:
            return None, []
        heap = self.heap.get(item.nodeid, {})
        now = dict(rec, **{k: heap[k] for k in ("heap", "leaked", "allocs") if k in heap})
        now["cycles"] = cycles(rec.get("events"))
        base = self.baseline.get(item.nodeid, {})
        over, unchecked = [], []
        for metric, lim in sorted(limits.items()):
            a, b = base.get(metric), now.get(metric)
            if b is None or (lim.budget is None and a is None):
                unchecked.append(str(lim))
            elif lim.exceeded(a, b):
                over.append(describe(metric, lim, a, b))
        if not over:
            return None, unchecked
        grew = self.grew_most(rec, base)
        return "rangewall: {} over its limit: {}{}".format(
            item.nodeid, "; ".join(over), "; grew most: " + grew if grew else ""), unchecked

    def grew_most(self, rec, base):
        """The Python function whose inclusive Ir grew most against the
        baseline's, named as --pyframes names it: 'py:f (FILE:LINE) +N Ir'."""
        if not rec.get("file") or not base.get("functions"):
            return ""
        now = python_inclusive(os.path.join(vg.parts, rec["file"]))
        # A function is the same one when its name and file are: an edit
        # above it moves its first line.
        was = {}
        for f in base["functions"]:
            was[without_line(f["name"])] = max(was.get(without_line(f["name"]), 0), f["inclusive"])
        skip = set(rec["outside"])
        rows = [(ir - was.get(without_line(name), 0), name) for name, ir in now.items()
                if name[name.rfind(" (") + 2:-1] not in skip
                and not name[name.rfind(" (") + 2:].startswith(__file__.rstrip("c") + ":")]
        if not rows:
            return ""
        d, name = max(rows)
        return "{} {:+,} Ir".format(name, d) if d > 0 else ""

    # --- the hooks ------------------------------------------------------------------------
    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem):
        how = self.measured(pyfuncitem)
        if how in (None, "fixture"):
            return None
        fn = pyfuncitem.obj
        args = {a: pyfuncitem.funcargs[a] for a in pyfuncitem._fixtureinfo.argnames}
        marker = pyfuncitem.get_closest_marker("rangewall")
        warmup = marker is None or marker.kwargs.get("warmup", True)
        self.count(pyfuncitem, how, lambda: fn(**args), warmup)
        return True

    def pytest_unconfigure(self, config):
        if self.records is not None:
            self.records.close()


def without_line(name):
    """'py:f (FILE:LINE)' -> 'py:f (FILE)'."""
    head, sep, where = name.rpartition(" (")
    return "{} ({})".format(head, where[:-1].rpartition(":")[0]) if sep else name


def outside():
    """The frames the counted call runs under, as the map places them
    ("FILE:FIRSTLINE"): the profile's part shows them as callers, with the
    whole part's cost; the summary leaves them out."""
    f, out = sys._getframe(1), []
    while f is not None:
        out.append("{}:{}".format(f.f_code.co_filename, f.f_code.co_firstlineno))
        f = f.f_back
    return out


def cycles(events):
    """Estimated cycles, Callgrind's and gungraun's formula: Ir + 10 x L1
    misses + 100 x LL misses (None without the cache simulation)."""
    if not events or "I1mr" not in events:
        return None
    l1 = events["I1mr"] + events["D1mr"] + events["D1mw"]
    ll = events["ILmr"] + events["DLmr"] + events["DLmw"]
    return events["Ir"] + 10 * l1 + 100 * ll


def describe(metric, lim, a, b):
    unit = " B" if metric in ("heap", "leaked") else (" Ir" if metric == "Ir" else "")
    if lim.budget is not None:
        return "{} {:,}{} >= {:,.0f}{} (limit {})".format(metric, b, unit, lim.budget, unit, lim)
    return "{} {:,}{} against the baseline's {:,}{}: {:+.2f} % (limit {})".format(
        metric, b, unit, a, unit, 100.0 * (b - a) / a if a else float("inf"), lim)


def python_inclusive(path):
    """{py:NAME (FILE:LINE): inclusive Ir} of one Callgrind part, not yet
    renamed: the map of the functions seen so far names the stubs."""
    mp = vg.pyframes_map()
    if mp is None:
        return {}
    m = Map(mp)
    out = {}
    for name, ir in Part(path).inclusive().items():
        mt = CG_NAME.match(name.rsplit(":", 1)[-1])
        if mt is None or mt.group(2):       # not a stub, or a deeper recursion level
            continue
        label = m.label(int(mt.group(1), 16))
        if label is not None:
            out[label] = max(out.get(label, 0), ir)
    return out


@pytest.fixture
def benchmark(request):
    """benchmark(fn, *args, **kwargs): fn's result; under rangewall pytest
    one warm-up call, then one counted call (its Ir, Python functions and
    heap are the test's figures)."""
    session = getattr(request.config, "_rangewall", None)

    def run(fn, *args, **kwargs):
        if session is None:
            return fn(*args, **kwargs)
        # A warm-up call first (count() makes it): imports, caches,
        # specialisation, and the heap as the call itself leaves it.
        # Without it a call's Ir follows the heap's state as it begins
        # (pymalloc's pools, whether realloc moves a block).
        return session.count(request.node, "fixture", lambda: fn(*args, **kwargs))
    return run
