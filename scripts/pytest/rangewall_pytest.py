"""rangewall's pytest plugin: each measured test counted alone, in a
process of its own.

`rangewall pytest` loads it in two passes of the same tests (a heap pass,
natively, then a Callgrind pass); see `rangewall pytest --help`.

Which tests: a test that uses the `benchmark` fixture, one marked
@pytest.mark.benchmark (a function or a unittest.TestCase method), or,
with --rangewall-all, every test pytest collected: functions, TestCase
methods and doctests (a doctest has no marker: --rangewall-all and
pytest's own selection choose it).  Another kind of item (a plugin's) is
run as pytest runs it and named as not measured.

How: once pytest has collected the tests, before any runs, the plugin
forks a process that runs nothing (the template).  Each measured test
runs in a process forked from the template, so that its figures follow
from the test and the collection alone: not from which tests ran before
it, nor from what the run did since (a baseline loaded, the reports).  In
that process the test runs twice, each run a whole setup, call and
teardown as pytest makes them: a warm-up, not counted (imports, caches,
specialisation), then the counted one, whose call alone is counted:
- a function: its call (fixtures' setup and teardown are not counted);
- a TestCase method: the method (setUp and tearDown are not counted);
- a doctest: its examples, run again on the module's globals as they
  were before the warm-up;
- benchmark(fn, *args, **kwargs): one warm-up call of fn, then one
  counted call; it returns fn's result.  pytest-benchmark's fixture of
  the same name is switched off (-p no:benchmark).
@pytest.mark.rangewall(warmup=False) runs a test once, counted.  The
process sends its reports back (pytest's own serialised reports, as
pytest-xdist's workers do), and pytest reports them as its own: the
outcome is the counted run's.

Callgrind pass: the counted call is a Callgrind part of its own, "t<K>"
(vg.count_begin, vg.count_end), instrumented alone (--measure calls);
the process writes the Python functions it added to the --pyframes map
(pyframes.map.<FILE>, over pyframes.map.base, the template's).  Heap pass
(no Valgrind; rangewall-heapcount.so preloaded): vg.heap() gives the heap
at the call's start and end and its peak.  Each pass writes one JSON line
per measured test to tests.jsonl, or to --rangewall-records, and one per
test it could not measure (an "unmeasured" reason).

Limits: with a baseline (a summary.json, --rangewall-config), the
Callgrind pass checks each test's limits (the config's, else the ini option
rangewall_limit, with the metrics of the test's own
@pytest.mark.rangewall(limit="Ir:+2% heap:<24MB") over them one by
one).  A test over one fails, its message naming the figure, the
baseline's, the Python function whose self Ir grew most, and the command
that saves a new baseline.
"""

import functools
import gc
import gzip
import inspect
import json
import os
import re
import sys
import time

import pytest
from _pytest.runner import runtestprotocol  # pytest's own setup, call, teardown (as xdist's)

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from rw import limits as limits_mod  # noqa: E402
from rw import memcheck as memcheck_log  # noqa: E402
# Imported here, before the template is forked: every measured test's
# process finds them loaded, whatever the run loads later.
from rw.callgrind import Part  # noqa: E402
from rw.pyframes import CG_NAME, Map, Names, rename_frames  # noqa: E402
from selection import Select  # noqa: E402

try:
    import vg
except ImportError:     # not under rangewall: the tests run, nothing is counted
    vg = None

# The metrics a test's limit may name, with the floor a relative limit
# ignores changes under.  A test's count repeats exactly run to run (each
# runs from the same template), so the floor is small: 100 Ir.
METRICS = {"Ir": 100, "cycles": 100, "heap": 0, "leaked": 0, "allocs": 0, "errors": 0, "lost": 0}
# The Memcheck pass's (--memcheck): absolute limits only (errors:<1,
# lost:<1kB), since a count of errors has no baseline to grow from.
MEMCHECK_METRICS = ("errors", "lost")
PART = re.compile(r"^callgrind\.out\.(\d+)\.(\d+)$")
BASE_MAP = "pyframes.map.base"


def pytest_addoption(parser):
    g = parser.getgroup("rangewall", "rangewall pytest (the plugin's own options)")
    g.addoption("--rangewall-pass", choices=("callgrind", "heap", "memcheck", "select"), default=None,
                help="the pass this run is (rangewall pytest sets it)")
    g.addoption("--rangewall-records", default=None,
                help="file: one JSON line per measured test")
    g.addoption("--rangewall-work", default=None,
                help="folder: the measured tests' processes' reports")
    g.addoption("--rangewall-all", action="store_true", help="measure every test")
    g.addoption("--rangewall-ignore", default=None,
                help="DEV:INO, a folder not collected (the results'), by its device and inode")
    # What the run checks the tests against, read once the template is
    # forked: a file, so that the command line (whose strings the template
    # holds) is the same with a baseline or without, with a selection or
    # without.
    g.addoption("--rangewall-config", default=None,
                help="a JSON file: {heap: the heap pass's records, baseline: a baseline's "
                "summary.json[.gz], baseline_name, limit: LIMIT over the ini option, "
                "select: the selection pass's file, whose node ids run}")
    parser.addini("rangewall_limit", "rangewall pytest: limits for every measured test "
                  "(LIMIT, e.g. Ir:+2%% heap:<24MB)", default="")


def pytest_configure(config):
    config.addinivalue_line("markers", "benchmark: rangewall pytest measures this test's call")
    config.addinivalue_line("markers", "rangewall(limit=LIMIT, warmup=True): this test's limits "
                            "under rangewall pytest (e.g. 'Ir:+2% heap:<24MB'); warmup=False: a "
                            "test runs once, counted, with no warm-up run")
    if config.getoption("--rangewall-pass") is None:
        return
    if config.getoption("--rangewall-pass") == "select":
        config.pluginmanager.register(Select(config, config.getoption("--rangewall-records")),
                                      "rangewall-select")
        return
    config._rangewall = Session(config)
    config.pluginmanager.register(config._rangewall, "rangewall-session")


def item_kind(item):
    """'function', 'testcase' or 'doctest': the items the plugin counts;
    None for another kind (a plugin's own items)."""
    name = type(item).__name__
    if name == "TestCaseFunction":
        return "testcase"
    if name == "DoctestItem":
        return "doctest"
    if isinstance(item, pytest.Function):
        return "function"
    return None


class Session:
    def __init__(self, config):
        self.config = config
        self.pass_ = config.getoption("--rangewall-pass")
        self.all = config.getoption("--rangewall-all")
        self.work = config.getoption("--rangewall-work")
        self.parts = vg.parts if vg is not None else None
        self.records_path = config.getoption("--rangewall-records") or (
            os.path.join(self.parts, "tests.jsonl") if self.parts else None)
        self.records = None             # opened at the first record
        self.template = None
        self.k = 0                      # measured tests so far (their parts: t1, t2 ...)
        self.file_no = 0                # the parts' files, callgrind.out.1 ...
        self.heap, self.baseline = {}, {}
        self.default_limit = {}
        # In a measured test's process: the item, its K, its records.
        self.counting = None
        self.child_part = None
        self.child_records = []
        self.names = None
        self.map_count = None
        self.collected = None
        self.cfg = {}
        self.errors_base, self.leak_base = 0, None
        dev, _, ino = (config.getoption("--rangewall-ignore") or "0:0").partition(":")
        self.ignore = (int(dev), int(ino)) if int(ino) else None

    @pytest.hookimpl(tryfirst=True)
    def pytest_ignore_collect(self, collection_path):
        """Results folders, never collected: this run's (--rangewall-ignore)
        and any named rangewall-results (every tool's default)."""
        if collection_path.name == "rangewall-results":
            return True
        if self.ignore is None:
            return None
        try:
            st = os.stat(collection_path)
        except OSError:
            return None
        return True if (st.st_dev, st.st_ino) == self.ignore else None

    # --- which tests ---------------------------------------------------------------
    def measured(self, item):
        """Why the item is measured ('fixture', 'marker', 'all'), or None."""
        if "benchmark" in getattr(item, "fixturenames", ()):
            return "fixture"
        if item.get_closest_marker("benchmark") is not None:
            return "marker"
        return "all" if self.all else None

    def unmeasurable(self, item):
        """Why the item cannot be counted, or None."""
        kind = item_kind(item)
        if kind is None:
            return "a {} (rangewall counts test functions, unittest methods and doctests)".format(
                type(item).__name__)
        if kind == "function" and inspect.iscoroutinefunction(getattr(item, "obj", None)):
            return "an async test (its plugin runs it; count a synchronous call with benchmark())"
        if os.name != "posix" or not hasattr(os, "fork"):
            return "no fork() here"
        return None

    # --- the run -------------------------------------------------------------------
    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        """Before any test runs: the template, forked from the process as
        collection left it; then what only this process needs."""
        opt = session.config.option
        if not self.work or opt.collectonly or (session.testsfailed and not opt.continue_on_collection_errors):
            return None
        if any(self.measured(i) and not self.unmeasurable(i) for i in session.items):
            if self.pass_ in ("callgrind", "memcheck") and self.parts and vg.pyframes_count() is not None:
                # The functions seen so far: every test's process's own map
                # holds those it adds, over this one.
                vg.pyframes_map(os.path.join(self.parts, BASE_MAP))
                self.map_count = vg.pyframes_count()
            self.template = Template(self, session.items)
        self.collected = len(session.items)
        self.load()
        self.select(session)
        return None

    def select(self, session):
        """The tests chosen (the selection pass's node ids), out of the
        whole suite that the template holds."""
        path = self.cfg.get("select")
        if not path:
            return
        with open(path, encoding="utf-8") as f:
            chosen = set(json.load(f)["nodeids"])
        dropped = [item for item in session.items if item.nodeid not in chosen]
        if dropped:
            session.items[:] = [item for item in session.items if item.nodeid in chosen]
            self.config.hook.pytest_deselected(items=dropped)

    def load(self):
        """The heap pass's records, the baseline and the limits: loaded
        once the template is forked, so that no measured test sees them."""
        cfg = {}
        if self.config.getoption("--rangewall-config"):
            with open(self.config.getoption("--rangewall-config"), encoding="utf-8") as f:
                cfg = json.load(f)
        self.cfg = cfg
        heap = cfg.get("heap")
        if heap and os.path.exists(heap):
            with open(heap, encoding="utf-8") as f:
                for line in f:
                    r = json.loads(line)
                    if "heap" in r:
                        self.heap[r["nodeid"]] = r
        base = cfg.get("baseline")
        if base:
            with (gzip.open if base.endswith(".gz") else open)(base, "rt", encoding="utf-8") as f:
                self.baseline = {t["nodeid"]: t for t in json.load(f)["tests"]}
        default = cfg.get("limit")
        if default is None:
            default = self.config.getini("rangewall_limit")
        self.default_limit = self.parse_limit(default or "", "the project's rangewall_limit")
        root = str(self.config.rootpath)
        self.names = Names(root, sys.path)
        if self.parts:      # for the summary: how to name the functions
            with open(os.path.join(self.parts, "run.json"), "w", encoding="utf-8") as f:
                json.dump({"root": root, "sys_path": sys.path, "collected": self.collected,
                           "args": list(self.config.invocation_params.args)}, f, ensure_ascii=False)

    @staticmethod
    def parse_limit(text, where):
        try:
            return parse_limit(text)
        except limits_mod.LimitError as e:
            raise pytest.UsageError("rangewall: {}: {}".format(where, e))

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item, nextitem):
        how = self.measured(item)
        if how is None or self.counting is not None:
            return None
        why = self.unmeasurable(item)
        if why is not None or self.template is None:
            self.write({"nodeid": item.nodeid, "unmeasured": why or "the run measures no test"})
            return None
        self.k += 1
        status, out = self.template.run(item)
        reports = [self.config.hook.pytest_report_from_serializable(config=self.config, data=d)
                   for d in out.get("reports", [])]
        records = out.get("records", [])
        for rec in records:
            if self.pass_ == "callgrind":
                self.take_part(rec, status.pid)
            elif self.pass_ == "memcheck":
                self.take_log(item, rec, status.pid)
        if self.pass_ == "callgrind":
            self.drop_files(status.pid)
        over = []
        for rec in records:
            msg, unchecked = self.check(item, rec)
            if unchecked:
                rec["unchecked"] = unchecked
            if msg:
                over.append(msg)
            self.write(rec)
        if not records:
            self.write({"nodeid": item.nodeid, "unmeasured": out.get("why") or status.why()})
        if status.failed():
            reports = [self.crashed(item, status)]
        if over:
            self.fail_call(item, reports, over)
        ihook = item.ihook
        ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
        for rep in reports:
            ihook.pytest_runtest_logreport(report=rep)
        ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
        if status.interrupted:
            raise KeyboardInterrupt
        return True

    def crashed(self, item, status):
        """A report for a test whose process died without sending one."""
        from _pytest.reports import TestReport
        return TestReport(item.nodeid, item.location, {}, "failed",
                          "rangewall: the test's process {}".format(status.why()), "call", [])

    @staticmethod
    def fail_call(item, reports, over):
        """The counted run's call report, failed with the limits' messages."""
        for rep in reports:
            if rep.when == "call":
                if rep.passed:
                    rep.outcome = "failed"
                    rep.longrepr = "\n".join(over)
                else:
                    rep.sections.append(("rangewall limits", "\n".join(over)))
                return
        reports.append(reports[0].__class__(item.nodeid, item.location, {}, "failed",
                                            "\n".join(over), "call", []))

    def write(self, rec):
        if self.records_path is None:
            return
        if self.records is None:
            self.records = open(self.records_path, "a", encoding="utf-8")
        self.records.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self.records.flush()

    # --- a measured test's files (Callgrind pass) ------------------------------------
    def take_part(self, rec, pid):
        """The part the test's process dumped: callgrind.out.PID.N, renamed
        callgrind.out.F (F counting the run's parts), its figures read from
        its header, and its map beside it as pyframes.map.F."""
        if not self.parts:
            return
        dumps = sorted((int(m.group(2)), n) for n in os.listdir(self.parts)
                       for m in [PART.match(n)] if m and int(m.group(1)) == pid)
        mine = [n for _, n in dumps if part_name(os.path.join(self.parts, n)) == rec["part"]]
        if not mine:
            return
        self.file_no += 1
        name = "callgrind.out.{}".format(self.file_no)
        os.rename(os.path.join(self.parts, mine[0]), os.path.join(self.parts, name))
        rec["file"] = name
        figures = part_figures(os.path.join(self.parts, name))
        rec.update(figures)
        m = os.path.join(self.parts, "pyframes.map.pid{}".format(pid))
        if os.path.exists(m):
            with open(m, encoding="utf-8", errors="replace") as src, \
                    open(os.path.join(self.parts, "pyframes.map." + str(self.file_no)), "w",
                         encoding="utf-8") as dst:
                dst.write(src.read())

    # --- a tested process's log (Memcheck pass) ------------------------------------------
    def take_log(self, item, rec, pid):
        """The test's process's log, memcheck.log.PID: its errors' kinds and
        stacks (Python functions named), and its leak check's changes, into
        the record; the log appended to tests.log, under the node id."""
        if not self.parts:
            return
        log = os.path.join(self.parts, "memcheck.log.{}".format(pid))
        m = os.path.join(self.parts, "pyframes.map.pid{}".format(pid))
        text = ""
        if os.path.exists(log):
            with open(log, encoding="utf-8", errors="replace") as f:
                text = f.read()
            if os.path.exists(m):
                text = rename_frames(text, Map(m))
            os.remove(log)
        if os.path.exists(m):
            os.remove(m)
        errors, leaks = memcheck_log.read(text)
        for e in errors:    # named as the Callgrind pass names them: relative to the project
            if e["python"] and self.names is not None:
                e["python"] = self.names.relabel(e["python"])
            for f in e["stack"]:
                if f["fn"].startswith("py:") and f["where"] and self.names is not None:
                    f["where"] = self.names.relabel("{} ({})".format(f["fn"], f["where"])).rpartition(" (")[2][:-1]
        rec["error_list"] = [e for e in errors if not e["kind"].startswith("Leak_")]
        rec["leak_list"] = [e for e in errors if e["kind"].startswith("Leak_")]
        for k in ("definitely", "indirectly", "possibly"):
            b, n = leaks.get(k, (0, 0))
            rec[k + "_lost"], rec[k + "_lost_blocks"] = b, n
        with open(os.path.join(self.parts, "tests.log"), "a", encoding="utf-8") as f:
            f.write("=== rangewall: {} (process {}) ===\n{}\n".format(item.nodeid, pid, text))

    def drop_files(self, pid):
        """What else the test's process left: its Callgrind's other dumps,
        its log and its map (callgrind.out.PID is its last dump, unless a
        part of the run has that number: its header says whose it is)."""
        if not self.parts:
            return
        for n in os.listdir(self.parts):
            p = os.path.join(self.parts, n)
            m = PART.match(n)
            if (m and int(m.group(1)) == pid) or n in ("callgrind.log.{}".format(pid),
                                                     "pyframes.map.pid{}".format(pid)) or (
                    n == "callgrind.out.{}".format(pid) and part_pid(p) == pid):
                os.remove(p)

    # --- in the measured test's process --------------------------------------------
    def run_child(self, item, part, out_path):
        """The test, in a process of its own: a warm-up run, then the
        counted one; its reports and records to out_path.  The random
        module, which the fork reseeded from the system, is seeded 0: what
        a test draws from it, and so its count, repeats run to run."""
        self.counting, self.child_part = None, part
        if "random" in sys.modules:
            sys.modules["random"].seed(0)
        marker = item.get_closest_marker("rangewall")
        # Under Memcheck a test runs once: its errors are its first call's.
        warmup = (marker is None or marker.kwargs.get("warmup", True)) and self.pass_ != "memcheck"
        globs = item.dtest.globs.copy() if item_kind(item) == "doctest" else None
        if self.pass_ == "memcheck":
            self.errors_base = vg.errors()
        if warmup:
            runtestprotocol(item, log=False, nextitem=None)
            if globs is not None:
                item.dtest.globs.clear()
                item.dtest.globs.update(globs)
        self.counting = item
        reports = runtestprotocol(item, log=False, nextitem=None)
        self.counting = None
        why = None
        if not self.child_records:
            why = ("skipped" if any(r.skipped for r in reports) else
                   "its setup failed" if reports and reports[0].failed else "its call was not reached")
        out = {"records": self.child_records, "why": why,
               "reports": [self.config.hook.pytest_report_to_serializable(config=self.config, report=r)
                           for r in reports]}
        if self.pass_ == "memcheck" and self.child_records:
            # The whole test (setup, call, teardown): its errors, and what a
            # leak check finds lost since the base.  Its reports are
            # serialised and dropped first: an instance of a Python class
            # (3.11+) is pointed to only past its block's start, so
            # Memcheck counts every one alive as possibly lost.
            reports = json.dumps(out["reports"], ensure_ascii=False)
            out["reports"] = None
            t0 = time.monotonic()
            gc.collect()
            t1 = time.monotonic()
            now = vg.leak_check(True)
            self.seconds = {"gc": t1 - t0, "check": time.monotonic() - t1}
            base = self.leak_base or (0,) * 8
            for rec in self.child_records:
                rec.update(errors=vg.errors() - self.errors_base, lost=now[0] - base[0],
                           lost_blocks=now[4] - base[4], seconds=self.seconds)
            out["reports"] = json.loads(reports)
        if self.child_records and self.pass_ in ("callgrind", "memcheck") and self.map_count is not None:
            vg.pyframes_map(os.path.join(self.parts, "pyframes.map.pid{}".format(os.getpid())),
                            self.map_count, BASE_MAP)
        with open(out_path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(out, f, ensure_ascii=False)
        os.rename(out_path + ".tmp", out_path)

    def count(self, item, how, fn):
        """fn(), counted: the test's counted call."""
        part = self.child_part + (
            "-{}".format(len(self.child_records) + 1) if self.child_records else "")
        rec = {"nodeid": item.nodeid, "part": part, "how": how, "kind": item_kind(item),
               "pass": self.pass_, "outside": outside() if self.pass_ != "memcheck" else []}
        self.child_records.append(rec)
        if self.pass_ == "memcheck":
            return fn()
        gc.collect()
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
        vg.count_begin()
        try:
            return fn()
        finally:
            vg.count_end(part)

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem):
        how = self.measured(pyfuncitem)
        if self.counting is not pyfuncitem or how in (None, "fixture"):
            return None
        fn = pyfuncitem.obj
        args = {a: pyfuncitem.funcargs[a] for a in pyfuncitem._fixtureinfo.argnames}
        self.count(pyfuncitem, how, lambda: fn(**args))
        return True

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_call(self, item):
        """A TestCase method or a doctest: the call pytest makes, counted."""
        if self.counting is not item or self.measured(item) in (None, "fixture"):
            return
        how, kind = self.measured(item), item_kind(item)
        if kind == "testcase":
            method = item.obj

            # unittest reads the method's own attributes (a skip, an
            # expected failure): the wrapper carries them.
            @functools.wraps(method)
            def counted(*a, **kw):
                return self.count(item, how, lambda: method(*a, **kw))
            item.obj = counted
        elif kind == "doctest":
            runtest = item.runtest
            item.runtest = lambda: self.count(item, how, runtest)

    def pytest_terminal_summary(self, terminalreporter):
        """After pytest's own summary: the tests not measured, and why."""
        if self.records is None or self.template is None and not self.k:
            return
        self.records.flush()
        unmeasured = []
        with open(self.records_path, encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                if "unmeasured" in r:
                    unmeasured.append(r)
        if unmeasured:
            terminalreporter.write_sep("-", "rangewall: {} test{} not measured".format(
                len(unmeasured), "" if len(unmeasured) == 1 else "s"))
            for r in unmeasured:
                terminalreporter.write_line("{}: {}".format(r["nodeid"], r["unmeasured"]))

    def pytest_unconfigure(self, config):
        if self.template is not None:
            self.template.close()
        if self.records is not None:
            self.records.close()

    # --- limits ---------------------------------------------------------------------
    def check(self, item, rec):
        """(the failure message or None, the limits that could not be
        checked).  The test's limits: the project's (--limit, else the ini
        option), with the marker's metrics over them one by one.  A
        relative limit needs the baseline's figure: without one (no
        --baseline, or a test the baseline lacks, or a figure missing on
        either side) it is not checked, and the record says so."""
        if self.pass_ not in ("callgrind", "memcheck"):
            return None, []
        marker = item.get_closest_marker("rangewall")
        limits = dict(self.default_limit)
        if marker is not None and "limit" in marker.kwargs:
            limits.update(self.parse_limit(marker.kwargs["limit"], item.nodeid))
        if not limits:
            return None, []
        if self.pass_ == "memcheck":
            return self.check_memcheck(item, rec, limits)
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
        name = self.cfg.get("baseline_name")
        save = "; to accept the new figures, save the baseline again: rangewall pytest --save-baseline " \
               "{} (with this selection of tests)".format(name) if name and any(
                   limits[m].budget is None for m in limits) else ""
        return "rangewall: {} over its limit: {}{}{}".format(
            item.nodeid, "; ".join(over), "; grew most: " + grew if grew else "", save), unchecked

    @staticmethod
    def check_memcheck(item, rec, limits):
        """check() for the Memcheck pass: its metrics' absolute limits; the
        others (Ir, heap...) are not measured here, so not checked.  The
        message gives each error's kind, the top of its stack and the
        Python function that called into C."""
        over, unchecked = [], []
        for metric, lim in sorted(limits.items()):
            if metric not in MEMCHECK_METRICS:
                unchecked.append(str(lim))
            elif lim.exceeded(None, rec.get(metric)):
                over.append(describe(metric, lim, None, rec.get(metric)))
        if not over:
            return None, unchecked
        lines = ["  " + memcheck_log.describe(e) for e in rec.get("error_list", []) + rec.get("leak_list", [])]
        return "rangewall: {} over its limit: {}{}".format(
            item.nodeid, "; ".join(over), "\n" + "\n".join(lines) if lines else ""), unchecked

    def grew_most(self, rec, base):
        """The Python function whose self Ir grew most against the
        baseline's, named relative to the project ('py:f (src/m.py:12)')
        or by module ('py:f (json.decoder:34)'): 'py:f (…) +N Ir'."""
        if not rec.get("file") or not base.get("functions") or not self.parts:
            return ""
        now = python_self(os.path.join(self.parts, rec["file"]), self.names, set(rec["outside"]))
        was = {}
        for f in base["functions"]:
            k = without_line(f["name"])
            was[k] = was.get(k, 0) + f["self"]
        rows = [(ir - was.get(without_line(name), 0), name) for name, ir in now.items()]
        if not rows:
            return ""
        d, name = max(rows)
        return "{} {:+,} Ir self".format(name, d) if d > 0 else ""


class Status:
    """How a measured test's process ended."""

    def __init__(self, pid, wait_status):
        self.pid, self.status = pid, wait_status
        self.signal = os.WTERMSIG(wait_status) if os.WIFSIGNALED(wait_status) else None
        self.code = os.WEXITSTATUS(wait_status) if os.WIFEXITED(wait_status) else None
        self.interrupted = self.code == 130 or self.signal == 2

    def failed(self):
        return self.code != 0 and not self.interrupted

    def why(self):
        if self.signal is not None:
            return "was killed by signal {}".format(self.signal)
        return "exited {}".format(self.code) if self.code else "ended with no report"


class Template:
    """A process forked before any test ran, which runs none: each
    measured test runs in a process forked from it, on request
    (vg.fork_server: a loop in C, so that the template's Python heap is
    the same at every fork).  A request is a test's index in the
    collection, 8 digits; what a test's process needs was made before the
    template was forked: its item, its part's name, its output file."""

    SIZE = 8

    def __init__(self, session, items):
        self.session = session
        self.index = {id(item): i for i, item in enumerate(items)}
        jobs = {("%08d" % i).encode(): (item, "t{}".format(i + 1),
                                         os.path.join(session.work, "{}.json".format(i + 1)))
                for i, item in enumerate(items)}
        to_r, to_w = os.pipe()
        back_r, back_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            os.close(to_w)
            os.close(back_r)
            if session.pass_ == "memcheck":
                # The tests' leak checks report what was lost since this
                # one, made once (a leak check costs seconds on a big
                # suite); what CPython loses re-creating its locks in each
                # forked process is suppressed (pyembed/supp/fork.supp).
                gc.collect()
                session.leak_base = vg.leak_check(False)
            try:
                request = vg.fork_server(to_r, back_w, self.SIZE)
            except BaseException:       # KeyboardInterrupt among them: go quietly
                os._exit(1)
            if request is None:
                os._exit(0)
            # A test's process.
            os.close(to_r)
            os.close(back_w)
            item, part, out = jobs[request]
            code = 0
            try:
                session.run_child(item, part, out)
            except KeyboardInterrupt:
                code = 130
            except BaseException:
                code = 3
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        os.close(to_r)
        os.close(back_w)
        self.pid = pid
        self.to = to_w
        self.back = os.fdopen(back_r, "r")

    def run(self, item):
        """Run ITEM in a process of its own: (Status, its output)."""
        i = self.index[id(item)]
        os.write(self.to, ("%08d" % i).encode())
        line = self.back.readline()
        if not line:
            raise RuntimeError("rangewall: the template process ended")
        pid, st = (int(x) for x in line.split())
        out_path = os.path.join(self.session.work, "{}.json".format(i + 1))
        out = {}
        if os.path.exists(out_path):
            with open(out_path, encoding="utf-8") as f:
                out = json.load(f)
            os.remove(out_path)
        return Status(pid, st), out

    def close(self):
        try:
            os.close(self.to)
            os.waitpid(self.pid, 0)
        except (OSError, ValueError):
            pass
        parts = self.session.parts
        if parts:   # the template's own Callgrind files
            for n in os.listdir(parts):
                if n.split(".")[-1] == str(self.pid):
                    os.remove(os.path.join(parts, n))


def part_pid(path):
    """The process a Callgrind file is of (its pid: line), or None."""
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("pid:"):
                return int(line.split()[1])
            if line.startswith("fn=") or line.startswith("ob="):
                break
    return None


def part_name(path):
    """The name a Callgrind part was dumped under (its desc: Trigger)."""
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("desc: Trigger: Client Request: "):
                return line.split()[-1]
            if line.startswith("fn=") or line.startswith("ob="):
                break
    return None


def part_figures(path):
    """Ir (and the cache events, when simulated) from a part's header."""
    events = totals = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("events:"):
                events = line.split()[1:]
            elif line.startswith("totals:") or line.startswith("summary:"):
                totals = [int(x) for x in line.split()[1:]]
                if line.startswith("totals:"):
                    break
    out = {}
    if events and totals:
        out["events"] = dict(zip(events, totals))
        out["Ir"] = out["events"].get("Ir")
    return out


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


def parse_limit(text):
    """limits.parse with the plugin's metrics; a relative limit on a
    Memcheck metric refused (LimitError)."""
    got = limits_mod.parse(text, METRICS)
    for m in MEMCHECK_METRICS:
        if m in got and got[m].budget is None:
            raise limits_mod.LimitError(
                "{} takes an absolute limit, {}:<N (e.g. errors:<1 lost:<1kB), not a relative one: "
                "it has no baseline to grow from".format(m, m))
    return got


def describe(metric, lim, a, b):
    unit = " B" if metric in ("heap", "leaked", "lost") else (" Ir" if metric == "Ir" else "")
    if lim.budget is not None:
        return "{} {:,}{} >= {:,.0f}{} (limit {})".format(metric, b, unit, lim.budget, unit, lim)
    return "{} {:,}{} against the baseline's {:,}{}: {:+.2f} % (limit {})".format(
        metric, b, unit, a, unit, 100.0 * (b - a) / a if a else float("inf"), lim)


def python_self(path, names, skip):
    """{py:NAME (FILE:LINE): self Ir} of one test's part, its stubs named by
    the map beside it (pyframes.map.F), files relative to the project
    (names); the frames the call ran under (skip: FILE:LINE) left out."""
    mp = path.replace("callgrind.out.", "pyframes.map.")
    if not os.path.exists(mp):
        return {}
    m = Map(mp)
    part = Part(path)
    out = {}
    for name, ir in part.self_cost.items():
        mt = CG_NAME.match(name.rsplit(":", 1)[-1])
        if mt is None:
            continue
        r = m.find(int(mt.group(1), 16))
        if r is None or "{}:{}".format(r[1], r[2]) in skip or r[1] == __file__.rstrip("c"):
            continue
        label = names.label(r[0], r[1], r[2])
        out[label] = out.get(label, 0) + ir
    return out


@pytest.fixture
def benchmark(request):
    """benchmark(fn, *args, **kwargs): fn's result; under rangewall pytest,
    in the test's counted run, one warm-up call, then one counted call (its
    Ir, Python functions and heap are the test's figures)."""
    session = getattr(request.config, "_rangewall", None)

    def run(fn, *args, **kwargs):
        if session is None or session.counting is not request.node:
            return fn(*args, **kwargs)
        # A warm-up call right before: pymalloc's pools and the caches as
        # the same call leaves them.
        fn(*args, **kwargs)
        return session.count(request.node, "fixture", lambda: fn(*args, **kwargs))
    return run
