#!/usr/bin/python3
"""report - turn the raw results into REPORT.md (or BENCH.md), with plots.

USAGE: scripts/post/report.py [-r RESULTS] [-o REPORT.md] [--images DIR]
       scripts/post/report.py --bench [-r RESULTS]

Reads only what the drivers wrote under RESULTS (default: results/) --
raw outputs, their TSV renderings, and each result's context file, which
records every knob and the Python's facts -- and writes REPORT.md
(default: RESULTS/REPORT.md) with its plots in DIR (default:
RESULTS/report/):
  - the seed figures of both investigations (scripts/rw/seeds.py), each
    beside the value reproduced here, the benchmark, Python and tool that
    measured it, the ratio and the reason for a difference;
  - instructions and bytes per element of range(n), every benchmark and
    Python found, as tables and bar charts;
  - the inclusive-cost split of the seed, recomputed per phase;
  - the StringIO wall on every Python measured;
  - the Massif timelines, phase ends marked;
  - flame graphs of c-range's and py-range's Callgrind and Massif results,
    photographed in headless Chromium where it is installed;
  - the context: machine, compiler, Valgrind, each Python's build.
With --bench, RESULTS/BENCH.md from RESULTS/bench/ (scripts/maint/bench).
A row whose raw file is missing keeps the seed's figure, says which file
and the command that makes it, and the report lists those rows at its end
and on stderr: it never stops on a missing file, never invents a figure,
and never runs a program but gnuplot.

REQUIRES: Python 3.5+ (standard library), gnuplot.
"""

import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # scripts/, for rw
from rw import own, plots, seeds  # noqa: E402
from rw.fmt import group, sig  # noqa: E402
from rw.results import Missing, Results, tag_key  # noqa: E402

PROG = "report"


class Report:
    def __init__(self, res, out, images, images_link):
        self.res, self.out, self.images = res, out, images
        self.rel = images_link      # the images folder, as REPORT.md links it
        self.md = []

    def w(self, *lines):
        self.md.extend(lines)

    def image(self, name, alt):
        self.w("![{}]({}/{})".format(alt, self.rel, name), "")

    def missing(self, label, e):
        self.res.missing.append((label, e))
        if e.why:
            return "not measured here: {} (`{}`; run `{}`)".format(e.why, os.path.relpath(e.path), e.make)
        return "not measured here: `{}` is missing (run `{}`)".format(os.path.relpath(e.path), e.make)

    # --- the seed tables -------------------------------------------------------------
    def figures(self, figs):
        """A seed table: every row keeps the seed's figure and build; ours, or
        what to run for it; the reason, citing measured figures."""
        self.w("| figure | seed | seed's build | reproduced here | measured by | here / seed | "
               "why they differ |", "|---|---|---|---|---|---|---|")
        for f in figs:
            try:
                m = f.measure(self.res)
            except Missing as e:
                self.w("| " + " | ".join([f.label, f.seed, f.seed_build, self.missing(f.label, e),
                                           "", "", ""]) + " |")
                continue
            ratio = sig(m.value / f.seed_value) if m.value is not None and f.seed_value else "—"
            try:
                why = f.why(self.res, m)
            except Missing as e:
                why = "(the figure that explains it: {})".format(self.missing(f.label + ", its reason", e))
            self.w("| " + " | ".join([f.label, f.seed, f.seed_build, m.text, m.source, ratio, why]) + " |")
        self.w("")

    def seed000(self):
        self.w("## Seed 000: range(n), n = 10,000,000", "",
               "Who ran what in the seed (its text and its repository's scripts): `time`, ltrace "
               "and strace ran the host's Python, Ubuntu 16.04's release 2.7.12; Massif, DHAT "
               "and Callgrind ran its Docker image's 2.7.12, built `--with-pydebug "
               "--with-valgrind` with `Py_USING_MEMORY_DEBUGGER` defined in `Objects/obmalloc.c` "
               "(the image's Dockerfile; `--with-valgrind` is what makes pymalloc step aside "
               "under Valgrind). Each row names the seed's build, and takes ours from the "
               "Python closest to it: a release 2.7 for the host's rows, a pydebug 2.7 "
               "(`docker/Dockerfile.py27-pydebug`) where there is one for the image's. "
               "Figures measured at a smaller n are scaled to the seed's (said where); the "
               "runner counts a snippet's instructions only, the seed counted the whole "
               "process (`make callgrind-all` counts both). Bytes are exact, with MiB "
               "(2^20 B, ms_print's \"MB\") beside them.", "")
        self.figures(seeds.SEED_000)

    def split(self):
        self.w("## Where range(n)'s instructions go (Callgrind, inclusive)", "",
               "Each function's inclusive Ir as a share of the snippet's total, per phase "
               "(`build`: `x = list(range(n))`, `drop`: `del x`), from `callgrind_annotate "
               "--inclusive=yes` of each part. The seed's shares are of the whole process "
               "(PyRun 83.4 %), so its `Py_Finalize` has no column here, where the runner "
               "counts the snippet only: its share is in the table above, from `make "
               "callgrind-all`'s finalize part. — : not in the part (inlined, or "
               "past callgrind_annotate's cut-off, which lists functions until 99 % of the part's "
               "total is shown).", "")
        for b in self.res.benches("py-range"):
            try:
                parts = self.res.inclusive(b)
                total = self.res.callgrind_total(b)
            except Missing:
                continue    # the Ir table above already says so
            py2 = self.res.context(b, "callgrind").get("python version", "").startswith("2.")
            names = seeds.SPLIT_2 if py2 else seeds.SPLIT_3
            phases = [p for p in ("build", "drop") if p in parts]
            self.w("**{}** (snippet: {} Ir)".format(b, group(total)), "",
                   "| function | seed (2.7 pydebug) | " + " | ".join(phases) + " | all phases |",
                   "|---|---|" + "---|" * (len(phases) + 1))
            for fn in names:
                vals = [parts[p].get(fn) for p in phases]
                if not any(vals):
                    continue
                cells = ["{:.2f} % ({})".format(100.0 * v / total, group(v)) if v else "—" for v in vals]
                self.w("| {} | {} | {} | {:.2f} % |".format(
                    fn, seeds.SEED_SPLIT.get(fn, "—"), " | ".join(cells),
                    100.0 * sum(v or 0 for v in vals) / total))
            self.w("")

    # --- per element ---------------------------------------------------------------------
    def python_of(self, bench, link=False):
        """('3.11.2', 'release') for py-*@TAG (with LINK, how its own
        executable links libpython: the runner always links the shared
        library); ('—', 'C -O2') else."""
        ctx = self.res.any_context(bench)
        if ctx is None:
            return "?", "?"
        if "python version" not in ctx:
            flags = [w for w in ctx.get("build flags", "").split() if w.startswith("-O")]
            return "—", "C " + (flags[0] if flags else "")
        words = ctx.get("python build", "?").split(",")
        if link:
            words.append({"shared": "its executable links the shared libpython",
                          "static": "its executable links libpython statically"}.get(
                ctx.get("python link", ""), "?"))
        return ctx["python version"], ", ".join(words)

    def per_element(self):
        r = self.res
        self.w("## range(n) per element: instructions and bytes", "",
               "Ir per element: the measured phase (C: the seed loop; Python: `build` + `drop`) "
               "over n, from Callgrind. Bytes per element: Massif's peak useful heap over n. "
               "The native int-list model (`c-intlist`) mimics Python 2's free list.", "",
               "| benchmark | Python | build | Ir / element | bytes / element | n |",
               "|---|---|---|---|---|---|")
        rows = []
        for b in ["c-range", "c-range-O2", "c-intlist"] + r.benches("py-range"):
            n = None
            try:
                n = r.n(b, "callgrind")
                if b.startswith("c-range"):
                    ir = r.phase_ir(b, "seed")
                else:   # c-intlist and Python: the list built, then dropped
                    ir = r.phase_ir(b, "build") + r.phase_ir(b, "drop")
                ipe = ir / float(n)
            except Missing as e:
                self.missing("Ir per element, " + b, e)
                ipe = None
            try:
                bpe = r.massif_peak(b) / float(r.n(b, "massif"))
            except Missing as e:
                self.missing("bytes per element, " + b, e)
                bpe = None
            if ipe is None and bpe is None:
                continue
            py, flags = self.python_of(b)
            self.w("| {} | {} | {} | {} | {} | {} |".format(
                b, py, flags, "{:.2f}".format(ipe) if ipe is not None else "missing",
                "{:.2f}".format(bpe) if bpe is not None else "missing",
                group(n) if ipe is not None else ""))
            rows.append((b, ipe, bpe))
        self.w("")
        xlabel = "benchmark (C, then each Python: 2.7 ... 3.13, d = pydebug)"
        ir_rows = [(b, v) for b, v, _ in rows if v is not None]
        if ir_rows:
            plots.bars(os.path.join(self.images, "ir-per-element.png"), ir_rows,
                       "Instructions per element of range(n) (Callgrind)", "Ir per element (log scale)",
                       xlabel, log=True)
            self.image("ir-per-element.png", "Instructions per element of range(n) (Callgrind)")
        b_rows = [(b, v) for b, _, v in rows if v is not None]
        if b_rows:
            plots.bars(os.path.join(self.images, "bytes-per-element.png"), b_rows,
                       "Peak heap per element of range(n) (Massif, useful heap)", "bytes per element",
                       xlabel)
            self.image("bytes-per-element.png", "Peak heap per element of range(n) (Massif, useful heap)")

    # --- seed 003 --------------------------------------------------------------------------
    def seed003(self):
        self.w("## Seed 003: the StringIO wall", "",
               "The seed wrote 1 MB chunks with Python 3.9.5 on an M1 Max under Rosetta "
               "(99 GB and 100 GB). Here the chunk is `py-stringio`'s CHUNK (its context says "
               "which), with the same 100,000 writes: the seed's sizes are knobs (`N=`, "
               "`CHUNK=`) for a machine with 100 GB to spare. The `writes` phase is the first "
               "99,999 writes, `last` the 100,000th. The accumulator is CPython 3.3 to 3.11's "
               "(`Objects/accu.c`); Python 2.7's StringIO has none (what makes its rare slow "
               "writes is not measured here), and 3.12 replaced it.", "")
        self.figures(seeds.SEED_003)
        self.stringio_table()

    def stringio_table(self):
        r = self.res
        self.w("### The wall on each Python", "",
               "99,999 writes against the 100,000th: Callgrind Ir, wall time (best of 5) and "
               "Massif's useful heap after each. Wall: the 100,000th write costs over 1,000 "
               "ordinary ones.", "",
               "| Python | build | Ir, 99,999 writes | Ir, the 100,000th | time, 99,999 | "
               "time, the 100,000th | heap after 99,999 | heap after 100,000 | wall |",
               "|---|---|---|---|---|---|---|---|---|")
        rows, other_n = [], False
        for b in r.benches("py-stringio"):
            cells, ratio = [], None
            try:
                w, l = r.phase_ir(b, "writes"), r.phase_ir(b, "last")
                ratio = l / (w / float(r.n(b, "callgrind") - 1))
                cells += [group(w), "{} ({} ×)".format(group(l), sig(ratio))]
            except Missing as e:
                self.missing("StringIO Ir, " + b, e)
                cells += ["—", "—"]
            try:
                cells += ["{:.3f} s".format(r.walltime(b, "writes")),
                          "{:.3f} s".format(r.walltime(b, "last"))]
            except Missing:
                cells += ["—", "—"]
            try:
                cells += [group(r.massif_phase(b, "writes")) + " B",
                          group(r.massif_phase(b, "last")) + " B"]
            except Missing:
                cells += ["—", "—"]
            py, flags = self.python_of(b)
            wall = "—" if ratio is None else ("yes" if ratio > 1000 else "no")
            ns = sorted({r.n(b, t) for t in ("callgrind", "walltime", "massif") if r.has(b, t)})
            if ns and ns != [seeds.SEED_WRITES]:
                py += " (n = {})".format(", ".join(group(x) for x in ns))
                wall, other_n = "—", True
            self.w("| {} | {} | {} | {} |".format(py, flags, " | ".join(cells), wall))
            if wall != "—":
                rows.append((b.partition("@")[2], ratio))
        if other_n:
            self.w("", "A row marked (n = N) ran N writes, not the seed's 100,000: its columns "
                   "set N − 1 writes against the Nth, which joins nothing unless N is a multiple "
                   "of 100,000, so its wall is not judged.")
        self.w("")
        if rows:
            plots.bars(os.path.join(self.images, "stringio-wall.png"), rows,
                       "The 100,000th StringIO.write against an ordinary one (Callgrind Ir)",
                       "Ir of the 100,000th write / mean Ir of the first 99,999 (log)", "Python",
                       log=True, label_fmt="%.3g x", color=5, height=460)
            self.image("stringio-wall.png", "The StringIO wall per Python")
        for name in ("latency.png", "stalls.png"):
            src = os.path.join(r.root, "sweep", name)
            if os.path.isfile(src):
                shutil.copy(src, os.path.join(self.images, "sweep-" + name))
                self.image("sweep-" + name, "sweep: " + name)
            else:
                self.missing("sweep plot " + name, Missing(src, "make sweep"))

    # --- every result ----------------------------------------------------------------------
    def every_result(self):
        """One row per benchmark and tool found: whatever ran, from the table's
        benchmarks or the user's, gets its headline figure here."""
        r = self.res
        self.w("## Every result", "",
               "Each benchmark and tool found under the results folder, with its size and "
               "headline figure: Callgrind's Ir per phase, Massif's peak useful heap, DHAT's "
               "total, the best wall time, Memcheck's errors.", "",
               "| benchmark | tool | n | figure |", "|---|---|---|---|")
        for b in sorted((d for d in os.listdir(r.root) if os.path.isdir(r.path(d, ""))), key=tag_key):
            for tool in sorted(os.listdir(r.path(b, ""))):
                if not r.has(b, tool):
                    continue
                try:
                    fig = self.headline(b, tool)
                except (Missing, KeyError, ValueError, ZeroDivisionError):
                    fig = "—"
                if tool.endswith(".interrupted"):
                    fig = "interrupted (Ctrl-C): not a whole run"
                n = r.context(b, tool).get("n", "—")
                self.w("| {} | {} | {} | {} |".format(b, tool, group(int(n)) if n.isdigit() else n, fig))
        self.w("")

    def headline(self, b, tool):
        r = self.res
        if tool == "callgrind":
            return "; ".join("{} {} Ir".format(ph, group(ir)) for ph, ir in r.callgrind_phases(b))
        if tool == "massif":
            return "peak useful heap {} B".format(group(r.massif_peak(b)))
        if tool == "dhat":
            d = r.dhat(b)
            return "tot_alloc {} B in {} blocks".format(group(d["tot_alloc"][0]), group(d["tot_alloc"][1]))
        if tool == "walltime":
            return "best of 5: {:.3f} s".format(r.walltime(b))
        if tool == "memcheck":
            return r.read(b, tool, "summary.txt").splitlines()[0]
        if tool == "strace":
            return ", ".join("{} {}".format(group(v), k) for k, v in sorted(r.strace_calls(b).items()))
        if tool == "ltrace":
            sizes = r.malloc_sizes(b)
            size = max(sizes, key=lambda k: sizes[k]) if sizes else None
            return "most frequent: {} × malloc({})".format(group(sizes[size]), size) if sizes else "—"
        return "—"

    # --- massif timelines ----------------------------------------------------------------
    def timelines(self):
        self.w("## Massif timelines", "",
               "Heap over time (Massif `--time-unit=B`), one plot per benchmark, phase ends "
               "marked; `ms_print` or massif-visualizer open the `massif.out` beside each.", "")
        for b in sorted(os.listdir(self.res.root), key=tag_key):
            png = self.res.path(b, "massif", "massif.png")
            if os.path.isfile(png):
                name = "massif-{}.png".format(b.replace("@", "-"))
                shutil.copy(png, os.path.join(self.images, name))
                self.w("**{}** — `{}`".format(b, os.path.relpath(self.res.path(b, "massif", "massif.out"))), "")
                self.image(name, "Massif " + b)

    # --- flame graphs ----------------------------------------------------------------------
    def flames(self):
        """The Callgrind and Massif flame graphs of c-range and of py-range on
        the release Python, photographed by scripts/maint/flame-shots (headless
        Chromium) where it runs, linked where it does not."""
        benches = [b for b in ("c-range", self.res.with_role("py-range", "release")) if b]
        pages = [(b, tool, page) for b in benches for tool, page in (("callgrind", "ir.html"), ("massif", "peak.html"))
                 if os.path.isfile(self.res.path(b, tool, os.path.join("flame", page)))]
        if not pages:
            return
        self.w("## Flame graphs", "",
               "Every Callgrind, Massif and DHAT result holds flame graphs in its `flame/` folder: one "
               "HTML page a graph, which opens offline in any browser (click to zoom, hover for figures), "
               "and its folded stacks, the same as text (`frame;frame COUNT` a line). A frame is as wide "
               "as its inclusive figure (its own and its callees'), the program's entry at the top. "
               "Callgrind's: Ir by call path, one tower per phase; exact at the top of each tower, "
               "estimated below it from caller → callee pairs. Massif's: the heap at its peak snapshot, "
               "by stack (Massif's time is counted in bytes allocated).", "")
        shots = shutil.which("chromium") is not None
        for b, tool, page in pages:
            html = self.res.path(b, tool, os.path.join("flame", page))
            self.w("**{} {}** — `{}`".format(b, tool, os.path.relpath(html)), "")
            if not shots:
                continue
            tmp = os.path.join(self.images, ".shots")
            r = subprocess.run([os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "maint", "flame-shots"),
                                "-o", tmp, html], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            made = [os.path.join(tmp, f) for f in os.listdir(tmp)] if os.path.isdir(tmp) else []
            if r.returncode or len(made) != 1:
                self.w("(no picture: {})".format(r.stdout.strip().splitlines()[-1] if r.stdout.strip() else
                                                 "flame-shots exit {}".format(r.returncode)), "")
            else:
                name = "flame-{}-{}.png".format(b.replace("@", "-"), tool)
                os.replace(made[0], os.path.join(self.images, name))
                figure = r.stdout.split(": ", 1)[1].split(" (", 1)[0]
                self.image(name, "{} {} ({}): {}".format(
                    b, tool, "Ir by call path" if tool == "callgrind" else "the heap at the peak snapshot",
                    figure))
            shutil.rmtree(tmp, ignore_errors=True)
        if not shots:
            self.w("(Chromium not found: the pages are linked, not photographed; apt-get install chromium.)", "")

    # --- context -----------------------------------------------------------------------------
    def context(self):
        self.w("## Context", "")
        ctx = None
        for b in ["c-range"] + self.res.benches("py-range"):
            ctx = self.res.any_context(b)
            if ctx:
                break
        if ctx:
            for k in ("date", "host", "cpu", "kernel", "glibc", "compiler", "valgrind"):
                self.w("- {}: {}".format(k, ctx.get(k, "?")))
        self.w("", "Every Python benchmark ran in the runner (`pyembed/`), which links each Python's "
               "shared libpython, whatever its own executable does.", "",
               "| Python | version | executable | build |", "|---|---|---|---|")
        seen = set()
        for b in sorted(os.listdir(self.res.root), key=tag_key):
            t = b.partition("@")[2]
            if not t or t in seen:
                continue
            c = self.res.any_context(b)
            if c and "python exe" in c:
                seen.add(t)
                self.w("| {} | {} | `{}` | {} |".format(t, c["python version"], c["python exe"],
                                                       self.python_of(b, link=True)[1]))
        self.w("")


def provenance(res):
    """Which rangewall made the results, and when (their context files)."""
    made, dates = {}, []
    for b in os.listdir(res.root):
        d = os.path.join(res.root, b)
        if not os.path.isdir(d):
            continue
        for tool in os.listdir(d):
            if res.has(b, tool):
                ctx = res.context(b, tool)
                made[ctx.get("rangewall", "unknown")] = made.get(ctx.get("rangewall", "unknown"), 0) + 1
                dates.append(ctx.get("date", "?"))
    if not dates:
        return "The folder holds no result yet."
    return "The results were made by rangewall {}, from {} to {} (UTC).".format(
        ", ".join("{} ({} results)".format(k, v) for k, v in sorted(made.items())),
        min(dates), max(dates))


# --- BENCH.md -------------------------------------------------------------------------------
def bench_md(res):
    """BENCH.md's lines from RESULTS/bench/bench.tsv (scripts/maint/bench)."""
    rows = res.tsv("bench", "", "bench.tsv")
    ctx = res.context("bench", "")
    md = ["# rangewall: what the suite costs", "",
          "Measured by `scripts/maint/bench` (`make bench`) on {}, {} cores, {}, {}, {}; raw rows in "
          "`bench/bench.tsv`. Wall times are one run's (best of several where marked) on a "
          "shared machine.".format(ctx.get("host", "?"), ctx.get("cores", "?"), ctx.get("cpu", "?"),
                                   ctx.get("date", "?")[:10], ctx.get("valgrind", "?")), ""]

    def sel(section):
        return [x for x in rows if x["section"] == section]

    make = {x["what"]: float(x["seconds"]) for x in sel("make")}
    if make:
        j1, j2 = make.get("make -j1"), make.get("make -j2")
        md += ["## The full make", "", "| run | wall time | |", "|---|---|---|"]
        if j1:
            md.append("| `make` (serial) | {:.0f} s ({} min {:02d} s) | target: under 600 s |".format(
                j1, int(j1 // 60), int(j1 % 60)))
        if j2:
            md.append("| `make -j2` | {:.0f} s ({} min {:02d} s) | {} |".format(
                j2, int(j2 // 60), int(j2 % 60), "{:.2f} x faster".format(j1 / j2) if j1 else ""))
        md.append("")
    over = sel("overhead")
    if over:
        md += ["## The suite's own cost: `make TOOL` against the Valgrind run it wraps", "",
               "Each pair interleaved (the machine's load drifts), best of the runs; the bare run "
               "is the exact command the driver recorded in its context file, run in the same "
               "fixed environment; the plain run is `valgrind --tool=TOOL build/BENCH N` as a "
               "user types it.", "",
               "| what | plain `valgrind` | bare Valgrind (recorded) | `make` | make / bare | "
               "make / plain | target |", "|---|---|---|---|---|---|---|"]
        by = {}
        for x in over:
            what, kind = x["what"].rsplit(" ", 1)
            by.setdefault(what, {})[kind] = float(x["seconds"])
        for what, t in by.items():
            target = {"callgrind c-range": "make / plain ≤ 1.5", "massif py-range": "make / bare ≤ 1.05"}.get(
                " ".join(what.split()[:2]).split("@")[0], "")
            plain = t.get("plain")
            md.append("| `{}` | {} | {:.2f} s | {:.2f} s | {:.2f} | {} | {} |".format(
                what, "{:.2f} s".format(plain) if plain else "—", t.get("bare", 0), t.get("make", 0),
                t.get("make", 0) / t.get("bare", 1),
                "{:.2f}".format(t.get("make", 0) / plain) if plain else "—", target))
        md.append("")
    fixed = {x["what"].rsplit(" ", 1)[1]: x for x in sel("fixedcost")}
    if {"make", "plain", "ratio"} <= set(fixed):
        what = fixed["ratio"]["what"].rsplit(" ", 1)[0]
        md += ["## The drivers' fixed cost: `make {} N=10000000` against plain `valgrind`".format(
                   what.replace(" ", " BENCH=")), "",
               "{} pairs run in turns: `make` as a user types it, then `valgrind --tool=callgrind "
               "build/c-range 10000000`; the median of the pairs' ratios, and of each's times.".format(
                   fixed["ratio"]["n"]), "",
               "| make (median) | plain (median) | make / plain, median of the pairs | target |",
               "|---|---|---|---|",
               "| {:.2f} s | {:.2f} s | {:.2f} | ≤ 1.5 |".format(
                   float(fixed["make"]["seconds"]), float(fixed["plain"]["seconds"]),
                   float(fixed["ratio"]["seconds"])), ""]
    tg = {x["what"]: x for x in sel("toggle")}
    if "pairs" in tg and "none" in tg:
        p, n = tg["pairs"], tg["none"]
        md += ["## `vg.stop()`/`vg.start()` under Callgrind: 10,000 pairs against none", "",
               "`tests/toggle.py` (the loop of `tests/vg.bats`, `sorted()` of 64 items 10,000 times) "
               "on {}, with a pair around nothing at each turn and without; interleaved, best of 3. "
               "The pairs toggle collection, which keeps the translated code; the Ir in the loop "
               "part differ by what the pairs' collected halves cost.".format(ctx.get("release", "?")), "",
               "| run | wall time | Ir collected | pairs / none | target |", "|---|---|---|---|---|",
               "| none | {:.2f} s | {} | | |".format(float(n["seconds"]), group(int(n["Ir"]))),
               "| 10,000 pairs | {:.2f} s | {} | {:.2f} | < 2.0 |".format(
                   float(p["seconds"]), group(int(p["Ir"])), float(p["seconds"]) / float(n["seconds"])), ""]
    cg = sel("callgrind")
    if cg:
        by = {(x["what"], x["n"]): x for x in cg}
        md += ["## Snippet only against the whole process (Callgrind, py-range on {})".format(
            ctx.get("release", "?")), "",
            "| n | runner, snippet only | runner, whole process | `python3 -c`, whole process | "
            "snippet / runner whole | snippet / python3 whole |", "|---|---|---|---|---|---|"]
        for n in sorted({x["n"] for x in cg}, key=int):
            a, w, p = (by.get((k, n)) for k in ("runner, snippet only", "runner, whole process",
                                                "python3 -c, whole process"))
            if not (a and w and p):
                continue
            f = lambda x: "{} Ir, {:.1f} s".format(group(int(x["Ir"])), float(x["seconds"]))  # noqa: E731
            md.append("| {} | {} | {} | {} | {:.2f} Ir, {:.2f} time | {:.2f} Ir, {:.2f} time |".format(
                group(int(n)), f(a), f(w), f(p),
                int(a["Ir"]) / int(w["Ir"]), float(a["seconds"]) / float(w["seconds"]),
                int(a["Ir"]) / int(p["Ir"]), float(a["seconds"]) / float(p["seconds"])))
        md += ["", "Against the same interpreter (the runner, `--measure=all`), counting the snippet "
               "alone leaves out start-up and finalisation; it also skips instrumenting start-up "
               "(`--instr-atstart=no`). Debian's `python3` executable links libpython statically, "
               "while the runner, as any program embedding Python, links the shared "
               "`libpython3.11.so`: the last column compares two builds as well as two scopes.", ""]
    native = sel("native")
    if native:
        md += ["## The runner's native overhead (`-c 'x = list(range(10000000)); del x'`, "
               "interleaved, best of 7)", "",
               "| Python | runner | its python | runner / python |", "|---|---|---|---|"]
        by, order = {}, []
        for x in native:
            who, kind = x["what"].rsplit(" ", 1)
            if who not in by:
                order.append(who)
            by.setdefault(who, {})[kind] = float(x["seconds"])
        for who in order:
            t = by[who]
            md.append("| {} | {:.3f} s | {:.3f} s | {:.2f} |".format(
                who, t.get("runner", 0), t.get("python", 0), t.get("runner", 0) / t.get("python", 1)))
        md += ["", "Target: 1.05 or less. pyenv's interpreters link the same shared libpython as "
               "their runner; Debian's `python3` links it statically (see above). Wall times of "
               "0.4 s runs vary by several per cent on a shared machine, even as the best of 7.", ""]
    pt = {x["what"]: float(x["seconds"]) for x in sel("pytest")}
    if len(pt) == 3:
        plain, rw, cg = pt["plain pytest"], pt["rangewall pytest"], pt["rangewall callgrind -m pytest"]
        md += ["## rangewall pytest: what a measured test costs", "",
               "`tests/pytest-project` (five measured tests; `test_fails` deselected) on {}, best "
               "of 3. Plain pytest runs pytest-benchmark's fixture with `--benchmark-disable` (each "
               "function called once); `rangewall pytest` runs its heap pass natively, then the "
               "Callgrind pass with Python function names and a warm-up call per test; `rangewall "
               "callgrind -m pytest` is one Callgrind run of the same tests, without names or "
               "per-test parts.".format(ctx.get("release", "?")), "",
               "| run | wall time | per measured test | against plain pytest |", "|---|---|---|---|"]
        for what, t in (("plain pytest", plain), ("rangewall pytest", rw),
                        ("rangewall callgrind -m pytest", cg)):
            md.append("| `{}` | {:.2f} s | {:.2f} s | {:.1f} x |".format(what, t, t / 5, t / plain))
        md += ["", "`rangewall pytest` / `rangewall callgrind -m pytest`: {:.2f} x.".format(rw / cg), ""]
    jj = {x["what"]: x for x in sel("jinja2")}
    if "rangewall pytest" in jj and "naive callgrind" in jj:
        naive, rw = float(jj["naive callgrind"]["seconds"]), float(jj["rangewall pytest"]["seconds"])
        n = int(jj["measured tests"]["Ir"]) if "measured tests" in jj else 0
        md += ["## rangewall pytest on a real suite: jinja2's `tests/test_filters.py`", "",
               "Debian's jinja2 source, run from its tree (`pythonpath = src`), on {}; the median of "
               "3 turns, each the naive run then `rangewall pytest --all` (its selection pass, heap "
               "pass, Callgrind pass, summary and flame graphs; saving a baseline).".format(
                   ctx.get("release", "?")), "",
               "| what | figure | target |", "|---|---|---|",
               "| `valgrind --tool=callgrind python3 -m pytest tests/test_filters.py` | {:.1f} s, {} Ir "
               "| |".format(naive, group(int(jj["naive callgrind"]["Ir"]))),
               "| `rangewall pytest --all tests/test_filters.py` ({} measured tests) | {:.1f} s, "
               "{:.2f} x the naive run | ≤ 3 x |".format(n, rw, rw / naive)]
        if "peak memory" in jj:
            md.append("| its peak memory, post-processing included (its processes' Pss added up, "
                      "sampled every 0.1 s: `scripts/maint/peakmem`) | {} MB | < 2,000 MB |".format(
                          group(int(jj["peak memory"]["Ir"]) // 1000000)))
        if "baseline bytes" in jj:
            md.append("| its baseline (`--save-baseline`) | {:.2f} MB | < 50 MB |".format(
                int(jj["baseline bytes"]["Ir"]) / 1e6))
        if "results bytes" in jj:
            md.append("| its results folder (parts, flame graphs, summary) | {:.1f} MB | |".format(
                int(jj["results bytes"]["Ir"]) / 1e6))
        if "-n 2" in jj:
            md.append("| `-n 2`: two Callgrind passes at once | {:.1f} s; {} of {} tests with -n 0's Ir, "
                      "heap and allocations | all |".format(
                          float(jj["-n 2"]["seconds"]), jj["-n 2 same as -n 0"]["Ir"], n))
        md.append("")
    jm = {x["what"]: x for x in sel("jinja2-memcheck")}
    if "rangewall pytest --memcheck" in jm and "naive memcheck" in jm:
        naive, rw = float(jm["naive memcheck"]["seconds"]), float(jm["rangewall pytest --memcheck"]["seconds"])
        fig = {k: int(v["Ir"]) for k, v in jm.items() if v["Ir"] not in ("", "-")}
        md += ["## rangewall pytest --memcheck on the same suite", "",
               "One run each, on {}: the naive Memcheck run, then `rangewall pytest --memcheck --all` "
               "(each test in a process of its own, a leak check after each).".format(
                   ctx.get("release", "?")), "",
               "| what | figure | target |", "|---|---|---|",
               "| `valgrind --tool=memcheck python3 -m pytest tests/test_filters.py` | {:.1f} s | |".format(naive),
               "| `rangewall pytest --memcheck --all tests/test_filters.py` ({} tests) | {:.1f} s, {:.2f} x "
               "the naive run | ≤ 2 x |".format(fig.get("tests", 0), rw, rw / naive),
               "| errors, in how many tests | {}, in {} | 0 |".format(fig.get("errors", "?"),
                                                                      fig.get("tests_with_errors", "?")),
               "| bytes definitely, indirectly lost (all tests) | {}, {} | 0, 0 |".format(
                   group(fig.get("definitely_lost", 0)), group(fig.get("indirectly_lost", 0))),
               "| bytes possibly lost (all tests; not a leak figure for Python's objects, docs/PYTEST.md) "
               "| {} | |".format(group(fig.get("possibly_lost", 0))), ""]
    growth = sel("growth")
    if growth:
        md += ["## Each tool's time against n", "",
               "| tool, benchmark | n = 100,000 | n = 1,000,000 | n = 10,000,000 | 10^7 / 10^5 |",
               "|---|---|---|---|---|"]
        by, order = {}, []
        for x in growth:
            if x["what"] not in by:
                order.append(x["what"])
            by.setdefault(x["what"], {})[x["n"]] = float(x["seconds"])
        for what in order:
            t = by[what]
            md.append("| {} | {:.1f} s | {:.1f} s | {:.1f} s | {:.1f} x |".format(
                what, t.get("100000", 0), t.get("1000000", 0), t.get("10000000", 0),
                t.get("10000000", 0) / (t.get("100000") or 1)))
        md += ["", "Fixed costs (Valgrind's start-up, the interpreter's) dominate at small n; "
               "per-element costs take over by 10^7. ltrace's cost follows the calls it stops at, "
               "not n: 3.11 mallocs little (pymalloc's arenas hold the ints). Python 2.7 mallocs a "
               "block per 41 ints, so `make` runs ltrace at n = 10^6 (the counts scale by ten).", ""]
    pf = sel("pyframes")
    if pf:
        md += ["## What naming the Python functions costs (`PYFRAMES=yes`, Callgrind, n = 1,000,000)", "",
               "Ir of the measured snippet with the runner's `--pyframes` against without, on every "
               "Python found: `py-range` runs one Python frame (targeted at 1.10 x or less), "
               "`py-calls` makes 1,000,000 calls of a one-line function (aim: 1.5 x or less).", "",
               "| Python | py-range | named | ratio | py-calls | named | ratio |",
               "|---|---|---|---|---|---|---|"]
        by, order = {}, []
        for x in pf:
            bench, kind = x["what"].rsplit(" ", 1)
            name, tag = bench.split("@")
            if tag not in by:
                order.append(tag)
            by.setdefault(tag, {})[(name, kind)] = int(x["Ir"])
        for tag in order:
            t = by[tag]
            cells = []
            for name in ("py-range", "py-calls"):
                off, on = t.get((name, "off")), t.get((name, "on"))
                cells += [group(off) if off else "–", group(on) if on else "–",
                          "{:.3f}".format(on / off) if off and on else "–"]
            md.append("| {} | {} |".format(tag, " | ".join(cells)))
        md += ["", "Each Python call passes through the frame-evaluation hook (PEP 523), a look-up "
               "of the code object's stub and the stub: a few dozen instructions. From 3.11 a "
               "hook also stops the interpreter inlining Python-to-Python calls into the "
               "caller's evaluation loop, so every call takes the full C call path: the counts "
               "are exact for the interpreter as hooked, which does more work than the unhooked "
               "one (see docs/TUTORIAL.md, section 8, \"Your own code, its Python functions named\").", ""]
    return md


def write_atomically(path, lines):
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(lines))
    os.rename(path + ".tmp", path)


def main():
    ap = argparse.ArgumentParser(prog="scripts/post/report.py", description=__doc__.split("\n\n")[0])
    ap.add_argument("-r", dest="results", default="results", help="results folder (default: results)")
    ap.add_argument("-o", dest="out", help="the report (default: RESULTS/REPORT.md)")
    ap.add_argument("--images", help="where the plots go (default: RESULTS/report)")
    ap.add_argument("--bench", action="store_true", help="write RESULTS/BENCH.md from RESULTS/bench/")
    a = ap.parse_args()
    if not os.path.isdir(a.results):
        print("{}: error: results folder '{}' does not exist (run: make)".format(PROG, a.results),
              file=sys.stderr)
        return 2
    res = Results(a.results)
    if a.bench:
        try:
            md = bench_md(res)
        except Missing as e:
            print("{}: error: {} is missing (run: make bench)".format(PROG, e.path), file=sys.stderr)
            return 2
        write_atomically(os.path.join(a.results, "BENCH.md"), md)
        print("{}: wrote {}".format(PROG, os.path.join(a.results, "BENCH.md")))
        return 0
    out = a.out or os.path.join(a.results, "REPORT.md")
    if own.is_own(a.results):   # rangewall TOOL SCRIPT's results: no seed rows
        write_atomically(out, own.report(a.results))
        print("{}: wrote {}".format(PROG, out))
        return 0
    images = a.images or os.path.join(a.results, "report")
    # Write beside, then rename: a failed run keeps the previous report.
    tmp_images = images + ".tmp.{}".format(os.getpid())
    os.makedirs(tmp_images)
    try:
        rep = Report(res, out, tmp_images,
                     os.path.relpath(images, os.path.dirname(os.path.abspath(out))))
        made = ("one run of `make findings`: its results in `{}/` (on the machine that ran it: "
                "results are not kept in git; the plots are copied beside this file), this file by "
                "`scripts/post/report.py -r {} -o {}`".format(a.results, a.results, a.out) if a.out
                else "`scripts/post/report.py -r {}` (`make report`)".format(a.results))
        rep.w("# rangewall: the seeds reproduced", "",
              "Generated by {} from the raw results alone; every figure below comes from a file "
              "under `{}/`. {}".format(made, a.results, provenance(res)), "")
        rep.seed000()
        rep.split()
        rep.per_element()
        rep.seed003()
        rep.every_result()
        rep.timelines()
        rep.flames()
        rep.context()
        if res.missing:
            rep.w("## Rows without a source", "",
                  "These figures could not be reproduced from the results present:", "")
            for row, e in res.missing:
                rep.w("- {}: `{}` {} — run `{}`".format(row, os.path.relpath(e.path),
                                                       "missing" if e.why is None else "says " + e.why, e.make))
            rep.w("")
        with open(out + ".tmp", "w") as f:
            f.write("\n".join(rep.md))
        old = images + ".old.{}".format(os.getpid())
        if os.path.isdir(images):
            os.rename(images, old)
        os.rename(tmp_images, images)
        shutil.rmtree(old, ignore_errors=True)
        os.rename(out + ".tmp", out)
    except plots.PlotError as e:
        print("{}: error: {}".format(PROG, e), file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(tmp_images, ignore_errors=True)
    for row, e in res.missing:
        print("{}: no source for '{}': {}{} (run: {})".format(
            PROG, row, os.path.relpath(e.path), "" if e.why is None else ": " + e.why, e.make), file=sys.stderr)
    print("{}: wrote {} ({} rows without a source)".format(PROG, out, len(res.missing)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
