"""The seeds' figures, as data: one Figure per row of the report.

Each Figure says what the seed measured (its text, its number for the
ratio, the build that produced it), and holds the two functions that read
ours from the results: `measure(res)` returns a Measured (the text, the
number set against the seed's, where it came from), and `why(res, m)` the
reason for the difference, citing figures from the results.  A function
that needs a file that is not there raises results.Missing; the report
then keeps the row, with the seed's figure, and says what to run.
"""

import re

from .fmt import group, mib, sig, scaled, MIB
from .results import Missing

SEED_N = 10000000          # seed 000's range(10000000)
SEED_WRITES = 100000       # seed 003's wall: the 100,000th write


class Figure:
    def __init__(self, key, label, seed, seed_value, seed_build, measure, why):
        self.key, self.label, self.seed, self.seed_value = key, label, seed, seed_value
        self.seed_build, self.measure, self.why = seed_build, measure, why


class Measured:
    def __init__(self, text, value, source, **facts):
        self.text, self.value, self.source, self.facts = text, value, source, facts


# --- which result stands for the seed's Python -------------------------------------
def py2(res, prefix="py-range"):
    """The Python 2.7 result: the py2 role's."""
    b = res.with_role(prefix, "py2")
    if b is None:
        raise Missing(res.path(prefix + "@2.7", "", ""),
                      "a Python 2.7 (pyenv install 2.7.18, or docker/Dockerfile.py27-pydebug), "
                      "then make BENCH={}@py2".format(prefix))
    return b


def role(res, prefix, name, tool):
    b = res.with_role(prefix, name)
    if b is None:
        raise Missing(res.path("{}@{}".format(prefix, name), tool, ""),
                      "make {} BENCH={}@{}".format(tool, prefix, name))
    return b


def tag(bench):
    return bench.partition("@")[2]


# --- seed 000 -----------------------------------------------------------------------
def wall(bench_of, seed):
    def measure(res):
        b = bench_of(res)
        t = res.walltime(b)
        return Measured("{:.3f} s".format(t), t, "walltime {} (best of 5, whole process)".format(b))
    return measure


def ltrace_c(res):
    n = res.n("c-range", "ltrace")
    sizes = res.malloc_sizes("c-range")
    big = max(sizes)
    k = SEED_N / n
    return Measured("{} × malloc({}) at n={}{}".format(
        sizes[big], group(big), group(n), scaled(k, "malloc({})".format(group(big * k)))),
        big * k, "ltrace c-range")


def ltrace_py(res):
    b = py2(res)
    n = res.n(b, "ltrace")
    sizes = res.malloc_sizes(b)
    k = SEED_N / n
    c992 = sizes.get(992, 0)
    big = max(sizes)
    return Measured("{} × 992 B, {} × {} B at n={}{}".format(
        group(c992), sizes[big], group(big), group(n), scaled(k, "{} × 992 B".format(group(c992 * k)))),
        c992 * k, "ltrace " + b)


def strace_c(res):
    maps = res.big_mmaps("c-range")
    n = res.n("c-range", "strace")
    return Measured("{} mmap of {} B at n={}".format(len(maps), " + ".join(group(m) for m in maps),
                                                   group(n)),
                    max(maps) if maps else None, "strace c-range")


def strace_py(res):
    b = py2(res)
    calls = res.strace_calls(b)
    return Measured("{} brk, {} mmap".format(group(calls.get("brk", 0)), group(calls.get("mmap", 0))),
                    calls.get("brk", 0), "strace " + b)


def strace_py_why(res, m):
    b = py2(res)
    log = res.read(b, "strace", "strace.log")
    tops = [int(x, 16) for x in re.findall(r"^brk\(0x[0-9a-f]+\)\s+= (0x[0-9a-f]+)", log, re.M)]
    first = re.search(r"^brk\(NULL\)\s+= (0x[0-9a-f]+)", log, re.M)
    if not tops or not first:
        raise Missing(res.path(b, "strace", "strace.log") + " (no brk)", "make strace BENCH=" + b)
    grown = max(tops) - int(first.group(1), 16)
    return ("each brk here grows the heap by {} KiB on average ({} MB in all): glibc "
            "pads every brk by 128 KiB (M_TOP_PAD); the seed's grew ~8 KiB each".format(
                group(grown / 1024.0 / max(m.value, 1)), group(grown / 1e6)))


def massif_peak(bench_of):
    def measure(res):
        b = bench_of(res)
        p = res.massif_peak(b)
        return Measured("{:.2f} MB ({} B)".format(p / MIB, group(p)), p / MIB, "massif " + b)
    return measure


def peak_split(res):
    b = py2(res)
    peak, tree = res.massif_peak_tree(b)
    share = {}
    for fn in ("fill_free_list", "PyList_New"):
        share[fn] = max([x for f, x in tree if f.startswith(fn + " ")] or [0])
    return Measured("fill_free_list {:.2f} % ({} MB), PyList_New {:.2f} % ({} MB)".format(
        100.0 * share["fill_free_list"] / peak, group(share["fill_free_list"] / 1e6),
        100.0 * share["PyList_New"] / peak, group(share["PyList_New"] / 1e6)),
        100.0 * share["fill_free_list"] / peak, "massif " + b)


def dhat_c(res):
    d = res.dhat("c-range")
    return Measured("{} B in {} block; {} guest insns".format(
        group(d["tot_alloc"][0]), d["tot_alloc"][1], group(d["guest_insns"][0])),
        d["guest_insns"][0], "dhat c-range")


def dhat_py(res):
    b = py2(res)
    d = res.dhat(b)
    return Measured("max_live {} B in {} blocks; tot_alloc {} B in {} blocks; {} insns".format(
        group(d["max_live"][0]), group(d["max_live"][1]), group(d["tot_alloc"][0]),
        group(d["tot_alloc"][1]), group(d["guest_insns"][0])), d["max_live"][0], "dhat " + b)


def cg_c(res):
    t = res.callgrind_total("c-range")
    seed = res.phase_ir("c-range", "seed")
    n = res.n("c-range", "callgrind")
    return Measured("{} ({:.3f} Ir per int in the seed loop)".format(group(t), seed / float(n)), t,
                    "callgrind c-range")


def cg_py(bench_of):
    def measure(res):
        b = bench_of(res)
        t = res.callgrind_total(b)
        n = res.n(b, "callgrind")
        return Measured("{} ({:.1f} Ir per int)".format(group(t), t / float(n)), t,
                        "callgrind {} (snippet)".format(b))
    return measure


def const(text):
    return lambda res, m: text


HOST = "host release 2.7, Ubuntu 16.04"
DOCKER = "Docker 2.7.12 --with-pydebug --with-valgrind"

SEED_000 = [
    Figure("wall-c", "wall time, c-range", "0.072 s", 0.072, "host, gcc -g", wall(lambda r: "c-range", 0.072),
           const("same C program; this machine's CPU")),
    Figure("wall-py2", "wall time, python2.7", "0.404 s", 0.404, HOST, wall(py2, 0.404),
           const("release 2.7.18 here, pydebug 2.7.12 in the seed")),
    Figure("wall-py3", "wall time, python3", "0.04 s", 0.040, "host python3.5",
           wall(lambda r: role(r, "py-range", "release", "walltime"), 0.040),
           const("not comparable: the seed's python3.5 timed `range(n)`, which is lazy in "
                 "Python 3; py-range builds `list(range(n))`")),
    Figure("ltrace-c", "ltrace: C mallocs", "one malloc(40,000,000)", 40e6, "host", ltrace_c, const("—")),
    Figure("ltrace-py", "ltrace: Python malloc histogram", "243,929 × 992 B, one 80,000,000 B", 243929.0,
           HOST, ltrace_py, const("the same 992-byte int blocks (41 ints of 24 B); pydebug ints are bigger")),
    Figure("strace-c", "strace: C", "one mmap/munmap of 40,001,536 B", 40001536.0, "host", strace_c,
           const("glibc serves blocks over 128 KiB with mmap, then as now")),
    Figure("strace-py", "strace: Python", "61,837 brk, 29 mmap", 61837.0, HOST, strace_py, strace_py_why),
    Figure("massif-c", "Massif peak: C", "38.15 MB", 38.15, "host", massif_peak(lambda r: "c-range"),
           const("the seed's MB are MiB (ms_print)")),
    Figure("massif-py2", "Massif peak: Python 2.7", "482.6 MB", 482.6, DOCKER, massif_peak(py2),
           const("release 2.7 ints are 24 B, pydebug's 40 B (two more pointers)")),
    Figure("massif-dbg", "Massif peak: Python debug", "482.6 MB", 482.6, DOCKER,
           massif_peak(lambda r: role(r, "py-range", "debug", "massif")),
           const("pydebug 3.11: every object malloc'd, 3.x ints 32 B + debug padding")),
    Figure("massif-split", "Massif peak split (Python)",
           "fill_free_list 82.18 % (412 MB), PyList_New 15.96 % (80 MB)", 82.18, DOCKER, peak_split,
           const("smaller release ints shrink the free-list share; the list is the same 80 MB")),
    Figure("dhat-c", "DHAT: C", "40,000,000 B in 1 block; 100,110,715 guest insns", 100110715.0, "host",
           dhat_c, const("the same program (built without client requests for DHAT)")),
    Figure("dhat-py2", "DHAT: Python 2.7",
           "max_live 499,221,126 B in 429,745 blocks; tot_alloc 501,946,111 B in 439,591 blocks; "
           "2,753,608,005 insns", 499221126.0, DOCKER, dhat_py,
           const("release 2.7: pymalloc hides small objects from malloc")),
    Figure("cg-c", "Callgrind Ir: C", "100,153,094 (10 Ir per int)", 100153094.0, "host", cg_c,
           const("same -O0 program; glibc 2.36 start-up")),
    Figure("cg-py2", "Callgrind Ir: Python 2.7", "2,899,174,708 (290 Ir per int)", 2899174708.0, DOCKER,
           cg_py(py2), const("release build, snippet only (the seed's count includes start-up and "
                             "Py_Finalize)")),
    Figure("cg-dbg", "Callgrind Ir: Python debug", "2,899,174,708 (290 Ir per int)", 2899174708.0, DOCKER,
           cg_py(lambda r: role(r, "py-range", "debug", "callgrind")),
           const("pydebug 3.11: every object through malloc and debug hooks")),
    Figure("cg-rel", "Callgrind Ir: Python release", "2,899,174,708 (290 Ir per int)", 2899174708.0, DOCKER,
           cg_py(lambda r: role(r, "py-range", "release", "callgrind")),
           const("3.x ints are heap objects from pymalloc; no free list")),
]

# The seed's inclusive shares (of the whole 2.7 pydebug process).
SEED_SPLIT = {"builtin_range": "43.32 %", "PyList_New": "5.5 %", "PyInt_FromLong": "32.92 %",
              "fill_free_list": "11.13 %", "_Py_NewReference": "13.11 %",
              "list_dealloc": "36.56 %", "Py_Finalize": "14.79 %"}
SPLIT_2 = ["builtin_range", "PyList_New", "PyInt_FromLong", "fill_free_list",
           "_Py_NewReference", "list_dealloc", "int_dealloc", "Py_Finalize"]
SPLIT_3 = ["list_extend", "rangeiter_next", "PyLong_FromLong", "_PyLong_FromMedium",
           "PyObject_Malloc", "_Py_NewReference", "list_dealloc", "PyObject_Free", "Py_FinalizeEx"]


# --- seed 003 ---------------------------------------------------------------------------
def rel_stringio(res, tool):
    return role(res, "py-stringio", "release", tool)


def gb(res, bench, tool="walltime"):
    ctx = res.context(bench, tool)
    return int(ctx["n"]) * int(ctx["chunk"]) / 1e9


def t99(res):
    b = rel_stringio(res, "walltime")
    t = res.walltime(b, "writes")
    return Measured("{:.3f} s ({} GB)".format(t, sig(gb(res, b))), t, "walltime " + b)


def t100(res):
    b = rel_stringio(res, "walltime")
    a, c = res.walltime(b, "writes"), res.walltime(b, "last")
    return Measured("{:.3f} s ({} × the 99,999; the 100,000th alone {:.3f} s)".format(
        a + c, sig((a + c) / a), c), (a + c) / a, "walltime " + b)


def stalls(res):
    b = rel_stringio(res, "walltime")
    rows = [x for x in res.csv("sweep", "stalls.csv") if x["series"] == tag(b)]
    if not rows:
        raise Missing(res.path("sweep", "", "stalls.csv") + " (" + b + ")", "make sweep")
    return Measured("; ".join("{} B chunks: {} stalls in {} writes, longest {} ms".format(
        group(int(x["chunk_B"])), x["stalls"], group(int(x["writes"])), x["longest_write_ms"])
        for x in rows), None, "sweep (native)")


def refcount(res):
    b = rel_stringio(res, "callgrind")
    probes = re.findall(r"probe: sys.getrefcount\(s\) (before|after) write (\d+): (\d+)",
                        res.stderr(b, "callgrind"))
    d = {p[0]: int(p[2]) for p in probes}
    if "before" not in d or "after" not in d:
        raise Missing(res.path(b, "callgrind", "stderr.log") + " (no probe)", "make callgrind BENCH=" + b)
    return Measured("{} before, {} after (sys.getrefcount counts its own argument: {} and {})".format(
        group(d["before"]), d["after"], group(d["before"] - 1), d["after"] - 1),
        (d["before"] - 1), "callgrind {} (stderr.log)".format(b))


def where(res):
    b = rel_stringio(res, "callgrind")
    last = res.inclusive(b).get("last", {})
    tot = res.phase_ir(b, "last")
    acc = max([v for k, v in last.items() if "accu" in k.lower() or k == "join_list_unicode"] or [0])
    cp = max([v for k, v in last.items() if "memmove" in k or "memcpy" in k] or [0])
    w = rel_stringio(res, "walltime")
    secs = res.walltime(w, "last")
    g = gb(res, w)
    return Measured("accumulator join {:.1f} %, memmove/memcpy {:.1f} % of the 100,000th write's "
                    "{} Ir; {:.1f} GB/s ({} GB in {:.3f} s)".format(
                        100.0 * acc / tot, 100.0 * cp / tot, group(tot), g / secs, sig(g), secs),
                    g / secs, "callgrind + walltime " + b)


def fix(res):
    g = res.with_role("py-stringio-getvalue", "release")
    newest = [b for b in res.benches("py-stringio") if re.match(r".*@3\.(1[2-9]|[2-9]\d)$", b)]
    txt = []
    if g:
        txt.append("getvalue() on {}: {} Ir".format(tag(g), group(res.phase_ir(g, "getvalue"))))
    for b in newest:
        w, l = res.phase_ir(b, "writes"), res.phase_ir(b, "last")
        txt.append("{}: the 100,000th write costs {} × an ordinary one".format(
            tag(b), sig(l / (w / float(res.n(b, "callgrind") - 1)))))
    if not txt:
        raise Missing(res.path("py-stringio@3.12+", "", ""), "make callgrind BENCH=py-stringio@newest")
    return Measured("; ".join(txt), None, "callgrind")


M1 = "Python 3.9.5, M1 Max (Rosetta)"

SEED_003 = [
    Figure("t99", "99,999 writes", "0.361 s (99 GB)", 0.361, M1, t99, const("1/100 of the bytes (10 KB chunks)")),
    Figure("t100", "100,000 writes", "28.5 s (≈ 80× the 99,999)", 80.0, M1, t100,
           const("the join copies 1 GB here, 100 GB there; Python 3.11 vs 3.9.5")),
    Figure("stalls", "stalls", "one per 100,000 writes; 10× smaller chunks → 10× more, each shorter", None,
           M1, stalls, const("the same law; a stall is > 2 ms and 100× the median")),
    Figure("refcount", "refcount of the written string", "100,000 just before the 100,000th write, 1 after",
           100000.0, M1, refcount, const("the same accumulator (`Objects/accu.c`)")),
    Figure("where", "where the time goes", "write_str → flush_accumulator → memmove; ≈ 3.4 GB/s", 3.4, M1,
           where, const("this machine's memory bandwidth; Callgrind counts `rep movsb` per byte")),
    Figure("fix", "the fix", "getvalue() after the loop forces the join; 3.12 removed the accumulator", None,
           M1, fix, const("3.12+ copy as they go (`_PyUnicodeWriter`)")),
]
