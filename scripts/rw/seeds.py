"""The seeds' figures, as data: one Figure per row of the report.

Each Figure says what the seed measured (its text, its number for the
ratio) and which of the seed's builds measured it, and holds the two
functions that read ours from the results: `measure(res)` returns a
Measured (the text, the number set against the seed's, where it came
from), and `why(res, m)` the reason for the difference, which cites
figures from the results (and the seed's own), never a constant of this
file.  A function that needs a file that is not there raises
results.Missing; the report then keeps the row, with the seed's figure,
and says what to run.

Who ran what in seed 000 (its text and its repository's scripts): `time`,
ltrace and strace ran the host's Python, Ubuntu 16.04's release 2.7.12;
Massif, DHAT and Callgrind ran the Docker image's `./python`, 2.7.12 built
`--with-pydebug --with-valgrind` with Py_USING_MEMORY_DEBUGGER defined in
Objects/obmalloc.c (env/Dockerfile of the seed's repository).
"""

import re

from .fmt import group, mib, sig
from .results import Missing

SEED_N = 10000000          # seed 000's range(10000000)
SEED_WRITES = 100000       # seed 003's wall: the 100,000th write

HOST_C = "host: gcc -g, Ubuntu 16.04"
HOST_PY = "host: Ubuntu 16.04's python2.7 (2.7.12, release)"
HOST_PY3 = "host: Ubuntu 16.04's python3.5"
DOCKER = "Docker: 2.7.12 --with-pydebug --with-valgrind"
M1 = "M1 Max (Rosetta): Python 3.9.5, 1 MB chunks"


class Figure:
    def __init__(self, key, label, seed, seed_value, seed_build, measure, why):
        self.key, self.label, self.seed, self.seed_value = key, label, seed, seed_value
        self.seed_build, self.measure, self.why = seed_build, measure, why


class Measured:
    def __init__(self, text, value, source):
        self.text, self.value, self.source = text, value, source


# --- which result stands for the seed's Python ------------------------------------
def python2(res, tool, debug, prefix="py-range"):
    """The Python 2.7 result for `tool`: a pydebug build first if `debug`
    (the seed's Docker image), a release build first otherwise (its host)."""
    found = []
    for b in res.benches(prefix):
        if not res.has(b, tool):
            continue
        ctx = res.context(b, tool)
        if ctx.get("python version", "").startswith("2."):
            found.append((("pydebug" in ctx.get("python build", "")) != debug, b))
    if not found:
        raise Missing(res.path(prefix + "@2.7", tool, ""),
                      "a Python 2.7 (pyenv install 2.7.18, or docker/Dockerfile.py27-pydebug), "
                      "then make {} BENCH={}@py2".format(tool, prefix))
    return min(found)[1]


def role(res, prefix, name, tool):
    """The result of `prefix` under `tool` whose Python plays role `name`."""
    for b in res.benches(prefix):
        if res.has(b, tool) and name in res.context(b, tool).get("python roles", "-").split("+"):
            return b
    raise Missing(res.path("{}@{}".format(prefix, name), tool, ""),
                  "make {} BENCH={}@{}".format(tool, prefix, name))


def tag(bench):
    return bench.partition("@")[2]


def build_of(res, bench, tool):
    """'release 2.7.18' or 'pydebug 3.11.2' from a result's context."""
    ctx = res.context(bench, tool)
    return "{} {}".format(ctx.get("python build", "?").split(",")[0], ctx.get("python version", "?"))


def ir_per_element(res, bench):
    """Callgrind's Ir per element of the measured phases (C: seed; else build + drop)."""
    n = res.n(bench, "callgrind")
    if bench.startswith("c-range"):
        return res.phase_ir(bench, "seed") / float(n)
    return (res.phase_ir(bench, "build") + res.phase_ir(bench, "drop")) / float(n)


def scaled_note(k, what):
    return "" if k == 1 else " (×{:g} at the seed's n: {})".format(k, what)


# --- seed 000: wall time -------------------------------------------------------------
def wall(bench_of):
    def measure(res):
        b = bench_of(res)
        t = res.walltime(b)
        return Measured("{:.3f} s".format(t), t, "walltime {} (best of 5, whole process)".format(b))
    return measure


def wall_c_why(res, m):
    return ("the same program: {:.3f} Ir per int in the seed loop here (Callgrind), the seed's 10; "
            "the same work in another time is the two machines' difference, not measured here "
            "(this shared VM's times also move from day to day)".format(ir_per_element(res, "c-range")))


def wall_py2_why(res, m):
    b = python2(res, "walltime", False)
    cg = python2(res, "callgrind", False)
    return ("{} here against the seed's host release 2.7.12; {:.1f} Ir per int for build and "
            "drop (Callgrind, {}); the seed's host ran no Callgrind, so whether the time gap is "
            "work or the machines is not measurable here".format(build_of(res, b, "walltime"),
                                                                  ir_per_element(res, cg), cg))


def wall_py3_why(res, m):
    b = role(res, "py-range", "release", "callgrind")
    return ("not the same work: Python 3's `range(n)` is lazy, so the seed timed a range object; "
            "py-range builds `list(range(n))`: {:.1f} Ir per int ({})".format(ir_per_element(res, b), b))


# --- ltrace, strace -------------------------------------------------------------------
def ltrace_c(res):
    n = res.n("c-range", "ltrace")
    sizes = res.malloc_sizes("c-range")
    big = max(sizes)
    k = SEED_N / float(n)
    return Measured("{} × malloc({}) at n={}{}".format(
        sizes[big], group(big), group(n), scaled_note(k, "malloc({})".format(group(big * k)))),
        big * k, "ltrace c-range")


def ltrace_c_why(res, m):
    n = res.n("c-range", "ltrace")
    return "the same single block: {} B = {} ints × {} B".format(
        group(max(res.malloc_sizes("c-range"))), group(n), max(res.malloc_sizes("c-range")) // n)


def ltrace_py(res):
    b = python2(res, "ltrace", False)
    n = res.n(b, "ltrace")
    sizes = res.malloc_sizes(b)
    k = SEED_N / float(n)
    c992 = sizes.get(992)
    if not c992:
        raise Missing(res.path(b, "ltrace", "malloc-sizes.txt") + " (no 992-byte block)",
                      "make ltrace BENCH=" + b)
    big = max(sizes)
    return Measured("{} × 992 B, {} × {} B at n={}{}".format(
        group(c992), sizes[big], group(big), group(n), scaled_note(k, "{} × 992 B".format(group(c992 * k)))),
        c992 * k, "ltrace " + b)


def ltrace_py_why(res, m):
    b = python2(res, "ltrace", False)
    n = res.n(b, "ltrace")
    sizes = res.malloc_sizes(b)
    return ("the same int free list, {} here against release 2.7.12: 992-byte blocks of {:.1f} "
            "ints ({} / {}), and the list, {} B for {} pointers of 8 B".format(
                build_of(res, b, "ltrace"), n / float(sizes[992]), group(n), group(sizes[992]),
                group(max(sizes)), group(max(sizes) // 8)))


def strace_c(res):
    maps = res.big_mmaps("c-range")
    n = res.n("c-range", "strace")
    if not maps:
        raise Missing(res.path("c-range", "strace", "big-maps.txt") + " (no mmap of 1 MiB: n too small)",
                      "make strace BENCH=c-range")
    return Measured("{} mmap of {} B at n={}".format(len(maps), " + ".join(group(x) for x in maps), group(n)),
                    max(maps), "strace c-range")


def strace_c_why(res, m):
    n = res.n("c-range", "strace")
    pages = -(-(4 * n + 16) // 4096)
    return ("glibc serves a block over its mmap threshold with an mmap of its own: {} B + a 16 B "
            "header, rounded up to {} pages of 4 KiB = {} B".format(group(4 * n), group(pages),
                                                                  group(pages * 4096)))


def strace_py(res):
    """The seed's glibc 2.23 had no tcache (2.26 brought it): its brk count
    is compared with strace-notcache's, glibc's tcache off."""
    b = python2(res, "strace-notcache", False)
    calls = res.strace_calls(b, "strace-notcache")
    st = res.strace_phases(b, "strace-notcache")
    by = "; ".join("{}: {}{}".format(r["phase"], "+" + group(r["brk_grows"]) if r["brk_grows"] else "",
                                       (" " if r["brk_grows"] else "") + "−" + group(r["brk_shrinks"])
                                       if r["brk_shrinks"] else "")
                   for r in st if r["brk_grows"] or r["brk_shrinks"])
    txt = "{} brk with glibc's tcache off at n={} (grows + and shrinks − by phase: {}), {} mmap".format(
        group(calls.get("brk", 0)), group(res.n(b, "strace-notcache")), by, group(calls.get("mmap", 0)))
    return Measured(txt, calls.get("brk", 0), "strace-notcache " + b)


def strace_py_why(res, m):
    b = python2(res, "strace-notcache", False)
    st = {r["phase"]: r for r in res.strace_phases(b, "strace-notcache")}
    fin = st.get("finalize", {"brk_shrinks": 0, "shrunk_B": 0})
    txt = ("the seed's glibc 2.23 had no tcache, so this variant turns it off "
           "(GLIBC_TUNABLES=glibc.malloc.tcache_count=0). The heap grows in `build` ({} brk, {} B) as "
           "with today's defaults; at exit, as the int blocks are freed, it shrinks {} times by {} B "
           "in all, about a page at a time ({:,.0f} B on average)".format(
               group(st["build"]["brk_grows"]), group(st["build"]["grown_B"]), group(fin["brk_shrinks"]),
               group(fin["shrunk_B"]), fin["shrunk_B"] / float(fin["brk_shrinks"] or 1)))
    try:
        d = res.strace_calls(b, "strace")
        dfin = [r for r in res.strace_phases(b, "strace") if r["phase"] == "finalize"]
        txt += ("; with the tcache on (`make strace`), {} brk and {} shrinks at exit: the tcache "
                "keeps the first blocks freed, the newest, nearest the heap's top, so the rest never "
                "merge into the top (inferred from glibc's free(), not traced)".format(
                    group(d.get("brk", 0)), group(dfin[0]["brk_shrinks"] if dfin else 0)))
    except Missing:
        pass
    return txt


# --- Massif ------------------------------------------------------------------------------
def massif_total(bench_of, seed_label):
    def measure(res):
        b = bench_of(res)
        t = res.massif_peak_total(b)
        return Measured("{} total at the highest snapshot ({} B: useful {}, extra {}{})".format(
            mib(t["total"]), group(t["total"]), group(t["useful"]), group(t["extra"]),
            ", stacks {}".format(group(t["stacks"])) if t["stacks_profiled"] else
            "; stacks not profiled, --stacks=no"), t["total"] / 1048576.0, "massif " + b)
    return measure


def massif_c_why(res, m):
    t = res.massif_peak_total("c-range")
    return ("the same block: {} B useful; ms_print's MB, the seed's, are MiB (2^20 B)".format(
        group(t["useful"])))


def ints_in(res, b):
    """(bytes under fill_free_list, useful heap) at Massif's biggest detailed snapshot."""
    peak, tree = res.massif_peak_tree(b)
    ffl = max([x for f, x in tree if f.startswith("fill_free_list ")] or [0])
    if not ffl:
        raise Missing(res.path(b, "massif", "massif.out") + " (no fill_free_list at the peak)",
                      "make massif BENCH=" + b)
    return ffl, peak


def massif_py2_why(res, m):
    b = python2(res, "massif", True)
    ffl, _ = ints_in(res, b)
    n = res.n(b, "massif")
    return ("the ints: {} B under fill_free_list here ({}, {:.1f} B an int) against the seed's "
            "412,061,000 B (pydebug: {:.1f} B an int, two more pointers per object and 32 B of "
            "debug padding per block); the list's 8 B per element is the same. The seed's "
            "blocks of 1,000 B hold 24 pydebug ints, 41.67 B an int once all 416,667 are made: "
            "its peak snapshot holds 412,061 of them, 1.1 % fewer, within Massif's peak "
            "inaccuracy".format(
                group(ffl), build_of(res, b, "massif"), ffl / float(n), 412061000 / float(SEED_N)))


def massif_dbg_why(res, m):
    b = role(res, "py-range", "debug", "massif")
    t = res.massif_peak_total(b)
    n = float(res.n(b, "massif"))
    return ("a pydebug {} under Valgrind sends every object to malloc (--with-valgrind), each "
            "with debug padding: {:.1f} B of useful heap per element at the peak, {:.1f} B an int "
            "besides the list's 8 B".format(
                res.context(b, "massif").get("python version", "?"), t["useful"] / n, t["useful"] / n - 8))


def peak_split(res):
    b = python2(res, "massif", True)
    peak, tree = res.massif_peak_tree(b)
    share = {}
    for fn in ("fill_free_list", "PyList_New"):
        share[fn] = max([x for f, x in tree if f.startswith(fn + " ")] or [0])
    if not share["fill_free_list"] or not share["PyList_New"]:
        raise Missing(res.path(b, "massif", "massif.out") + " (no fill_free_list or PyList_New at the peak)",
                      "make massif BENCH=" + b)
    total = res.massif_peak_tree_total(b)
    return Measured("fill_free_list {:.2f} % ({} B), PyList_New {:.2f} % ({} B) of {} B total "
                    "({} B useful) in the biggest detailed snapshot".format(
                        100.0 * share["fill_free_list"] / total, group(share["fill_free_list"]),
                        100.0 * share["PyList_New"] / total, group(share["PyList_New"]), group(total),
                        group(peak)),
                    100.0 * share["fill_free_list"] / total, "massif " + b)


def peak_split_why(res, m):
    b = python2(res, "massif", True)
    peak, tree = res.massif_peak_tree(b)
    ffl, _ = ints_in(res, b)
    lst = max([x for f, x in tree if f.startswith("PyList_New ")] or [0])
    return ("the list is {} B here, 80,002,024 in the seed; the ints are {:.1f} B each here "
            "({}), 41.2 in the seed's pydebug build (412,061,000 B / 10,000,000): their share "
            "shrinks".format(group(lst), ffl / float(res.n(b, "massif")), build_of(res, b, "massif")))


# --- DHAT --------------------------------------------------------------------------------
def dhat_c(res):
    d = res.dhat("c-range")
    return Measured("{} B in {} block; {} guest insns".format(
        group(d["tot_alloc"][0]), d["tot_alloc"][1], group(d["guest_insns"][0])),
        d["guest_insns"][0], "dhat c-range")


def dhat_c_why(res, m):
    return ("the same program (built without client requests for DHAT): {} B in {} block".format(
        group(res.dhat("c-range")["tot_alloc"][0]), res.dhat("c-range")["tot_alloc"][1]))


def dhat_py(res):
    b = python2(res, "dhat", True)
    d = res.dhat(b)
    return Measured("max_live {} B in {} blocks; tot_alloc {} B in {} blocks; {} insns".format(
        group(d["max_live"][0]), group(d["max_live"][1]), group(d["tot_alloc"][0]),
        group(d["tot_alloc"][1]), group(d["guest_insns"][0])), d["max_live"][0], "dhat " + b)


def dhat_py_why(res, m):
    b = python2(res, "dhat", True)
    top = res.dhat_sites(b)[0]
    n = res.n(b, "dhat")
    return ("the int blocks: the seed's top site holds 416,656 blocks of 1,000 B ({:.1f} pydebug "
            "ints a block), ours {} of {} B ({:.1f} ints of {}); both add one 80,000,000 B list".format(
                SEED_N / 416656.0, group(top["blocks"]), group(top["avg_size"]),
                n / float(top["blocks"]), build_of(res, b, "dhat")))


# --- Callgrind ------------------------------------------------------------------------------
def cg_c(res):
    t = res.callgrind_total("c-range")
    return Measured("{} ({:.3f} Ir per int in the seed loop)".format(group(t), ir_per_element(res, "c-range")),
                    t, "callgrind c-range")


def cg_c_why(res, m):
    seed = res.phase_ir("c-range", "seed")
    n = res.n("c-range", "callgrind")
    return ("the loop is the same, {} Ir here for {} ints; the rest, start-up and exit, is "
            "{} Ir here (glibc {}) against about {} in the seed's (glibc 2.23), if its loop was "
            "10 Ir an int as here: the seed did not split them".format(
                group(seed), group(n), group(m.value - seed),
                res.context("c-range", "callgrind").get("glibc", "?").split()[-1],
                group(100153094 - 10 * SEED_N)))


def cg_py(bench_of):
    def measure(res):
        b = bench_of(res)
        t = res.callgrind_total(b)
        n = res.n(b, "callgrind")
        return Measured("{} ({:.1f} Ir per int over the snippet's phases; the snippet only)".format(
            group(t), t / float(n)), t,
                        "callgrind " + b)
    return measure


def build_gap(res, b, tool, whole, n):
    """What is left of the gap to the seed's 290 Ir per int once the whole
    process is counted: the builds', measured only where ours is pydebug."""
    left = 2899174708.0 / SEED_N / (whole / float(n))
    if "pydebug" in res.context(b, tool).get("python build", ""):
        return "; {:.1f}× remains, both builds pydebug".format(left)
    return ("; {:.1f}× remains between the seed's pydebug build and this release one, not measured "
            "here (no pydebug 2.7 on this machine: docker/Dockerfile.py27-pydebug builds one)".format(left))


def cg_py2_why(res, m):
    b = python2(res, "callgrind", True)
    txt = "{} here, the seed's a pydebug 2.7.12".format(build_of(res, b, "callgrind"))
    try:
        a = python2(res, "callgrind-all", True)
        whole = res.callgrind_total(a, "callgrind-all")
        n = res.n(a, "callgrind-all")
        txt += ("; the seed counted the whole process: {} Ir here ({:.1f} per int; `callgrind-all`)"
                .format(group(whole), whole / float(n)) + build_gap(res, a, "callgrind-all", whole, n))
    except Missing:
        txt += "; the seed counted the whole process, the runner the snippet (`make callgrind-all` counts both)"
    return txt


def cg_whole_why(res, m):
    a = python2(res, "callgrind-all", True)
    whole = res.callgrind_total(a, "callgrind-all")
    n = res.n(a, "callgrind-all")
    return ("{} here, the seed's a pydebug 2.7.12; start-up {} Ir and finalize {} Ir add {:.1f} Ir per "
            "int to the snippet's".format(build_of(res, a, "callgrind-all"),
                                           group(res.phase_ir(a, "startup", "callgrind-all")),
                                           group(res.phase_ir(a, "finalize", "callgrind-all")),
                                           (res.phase_ir(a, "startup", "callgrind-all") +
                                            res.phase_ir(a, "finalize", "callgrind-all")) / float(n))
            + build_gap(res, a, "callgrind-all", whole, n))


def cg_dbg_why(res, m):
    b = role(res, "py-range", "debug", "callgrind")
    return ("a pydebug {} (the seed's flags on 3.x): every object through malloc and the debug "
            "hooks, {:.1f} Ir per int in build and drop".format(res.context(b, "callgrind").get("python version", "?"),
                                              ir_per_element(res, b)))


def cg_rel_why(res, m):
    b = role(res, "py-range", "release", "callgrind")
    return ("a release {}: ints are objects from pymalloc, no free list; {:.1f} Ir per int in build and drop".format(
        res.context(b, "callgrind").get("python version", "?"), ir_per_element(res, b)))


def cg_whole(res):
    b = python2(res, "callgrind-all", True)
    t = res.callgrind_total(b, "callgrind-all")
    return Measured("{} ({:.1f} Ir per int)".format(group(t), t / float(res.n(b, "callgrind-all"))), t,
                    "callgrind-all " + b)


def finalize_share(res):
    b = python2(res, "callgrind-all", True)
    t = res.callgrind_total(b, "callgrind-all")
    f = res.phase_ir(b, "finalize", "callgrind-all")
    return Measured("{:.2f} % ({} Ir of {})".format(100.0 * f / t, group(f), group(t)), 100.0 * f / t,
                    "callgrind-all {} (finalize part)".format(b))


def clear_free_list(res):
    b = python2(res, "callgrind-all", True)
    t = res.callgrind_total(b, "callgrind-all")
    fin = res.inclusive(b, "callgrind-all").get("finalize", {})
    v = fin.get("PyInt_ClearFreeList")
    if not v:
        raise Missing(res.path(b, "callgrind-all", "inclusive.tsv") + " (no PyInt_ClearFreeList)",
                      "make callgrind-all BENCH=" + b)
    return Measured("{:.2f} % ({} Ir)".format(100.0 * v / t, group(v)), 100.0 * v / t,
                    "callgrind-all {} (finalize part)".format(b))


def finalize_why(res, m):
    b = python2(res, "callgrind-all", True)
    t = res.callgrind_total(b, "callgrind-all")
    snippet = sum(ir for ph, ir in res.callgrind_phases(b, "callgrind-all") if ph in ("build", "drop"))
    ends = res.phase_ir(b, "startup", "callgrind-all") + res.phase_ir(b, "finalize", "callgrind-all")
    return ("a share of another whole: {} here spends {:.1f} Ir per int on build and drop, and "
            "start-up with finalisation weigh {:.1f} % of its {} Ir".format(
                build_of(res, b, "callgrind-all"), snippet / float(res.n(b, "callgrind-all")),
                100.0 * ends / t, group(t)))


def clear_free_list_why(res, m):
    b = python2(res, "callgrind-all", True)
    f = res.phase_ir(b, "finalize", "callgrind-all")
    v = res.inclusive(b, "callgrind-all").get("finalize", {}).get("PyInt_ClearFreeList", 0)
    return ("freeing the int free list's blocks is {:.1f} % of the finalize part's {} Ir here; "
            "its share of the whole follows the whole (the row above)".format(100.0 * v / f, group(f)))


SEED_000 = [
    Figure("wall-c", "wall time, C", "0.072 s", 0.072, HOST_C, wall(lambda r: "c-range"), wall_c_why),
    Figure("wall-py2", "wall time, python2.7", "0.404 s", 0.404, HOST_PY,
           wall(lambda r: python2(r, "walltime", False)), wall_py2_why),
    Figure("wall-py3", "wall time, python3", "0.040 s", 0.040, HOST_PY3,
           wall(lambda r: role(r, "py-range", "release", "walltime")), wall_py3_why),
    Figure("ltrace-c", "ltrace: C mallocs", "one malloc(40,000,000)", 40e6, HOST_C, ltrace_c, ltrace_c_why),
    Figure("ltrace-py", "ltrace: Python malloc histogram", "243,929 × 992 B, one 80,000,000 B", 243929.0,
           HOST_PY, ltrace_py, ltrace_py_why),
    Figure("strace-c", "strace: C", "one mmap/munmap of 40,001,536 B", 40001536.0, HOST_C, strace_c,
           strace_c_why),
    Figure("strace-py", "strace: Python", "61,837 brk, 29 mmap", 61837.0, HOST_PY, strace_py, strace_py_why),
    Figure("massif-c", "Massif peak: C", "38.15 MB (ms_print: 40,001,800 B total, 40,000,000 useful)",
           38.15, HOST_C, massif_total(lambda r: "c-range", "C"), massif_c_why),
    Figure("massif-py2", "Massif peak: Python 2.7",
           "482.6 MB: ms_print's graph top, its highest snapshot's total (useful + extra + stacks); "
           "its peak snapshot (33, within Massif's 1 % peak inaccuracy): 501,388,288 B total = "
           "478.16 MiB, 494,608,124 B useful",
           482.6, DOCKER, massif_total(lambda r: python2(r, "massif", True), "2.7"), massif_py2_why),
    Figure("massif-dbg", "Massif peak: Python, pydebug 3.x", "482.6 MB (the seed's pydebug 2.7)", 482.6,
           DOCKER, massif_total(lambda r: role(r, "py-range", "debug", "massif"), "debug"), massif_dbg_why),
    Figure("massif-split", "Massif peak split (Python)",
           "fill_free_list 82.18 % (412,061,000 B), PyList_New 15.96 % (80,002,024 B) of the peak "
           "snapshot's 501,388,288 B total (ms_print's percentages; 494,608,124 B useful)",
           82.18, DOCKER, peak_split, peak_split_why),
    Figure("dhat-c", "DHAT: C", "40,000,000 B in 1 block; 100,110,715 guest insns", 100110715.0, HOST_C,
           dhat_c, dhat_c_why),
    Figure("dhat-py2", "DHAT: Python 2.7",
           "max_live 499,221,126 B in 429,745 blocks; tot_alloc 501,946,111 B in 439,591 blocks; "
           "2,753,608,005 insns", 499221126.0, DOCKER, dhat_py, dhat_py_why),
    Figure("cg-c", "Callgrind Ir: C", "100,153,094 (10 Ir per int)", 100153094.0, HOST_C, cg_c, cg_c_why),
    Figure("cg-py2", "Callgrind Ir: Python 2.7", "2,899,174,708, whole process (290 Ir per int)",
           2899174708.0, DOCKER, cg_py(lambda r: python2(r, "callgrind", True)), cg_py2_why),
    Figure("cg-py2-all", "Callgrind Ir: Python 2.7, whole process", "2,899,174,708 (290 Ir per int)",
           2899174708.0, DOCKER, cg_whole, cg_whole_why),
    Figure("cg-dbg", "Callgrind Ir: Python, pydebug 3.x", "2,899,174,708 (the seed's pydebug 2.7)",
           2899174708.0, DOCKER, cg_py(lambda r: role(r, "py-range", "debug", "callgrind")), cg_dbg_why),
    Figure("cg-rel", "Callgrind Ir: Python, release 3.x", "2,899,174,708 (the seed's pydebug 2.7)",
           2899174708.0, DOCKER, cg_py(lambda r: role(r, "py-range", "release", "callgrind")), cg_rel_why),
    Figure("cg-finalize", "Py_Finalize's share (Callgrind, inclusive)", "14.79 %", 14.79, DOCKER,
           finalize_share, finalize_why),
    Figure("cg-clearfreelist", "PyInt_ClearFreeList's share", "14.39 %", 14.39, DOCKER, clear_free_list,
           clear_free_list_why),
]

# The seed's inclusive shares (of the whole 2.7 pydebug process).
SEED_SPLIT = {"builtin_range": "43.32 %", "PyList_New": "5.5 %", "PyInt_FromLong": "32.92 %",
              "fill_free_list": "11.13 %", "_Py_NewReference": "13.11 %",
              "list_dealloc": "36.56 %", "Py_Finalize": "14.79 %", "PyInt_ClearFreeList": "14.39 %"}
SPLIT_2 = ["builtin_range", "PyList_New", "PyInt_FromLong", "fill_free_list",
           "_Py_NewReference", "list_dealloc", "int_dealloc", "Py_Finalize", "PyInt_ClearFreeList"]
SPLIT_3 = ["list_extend", "rangeiter_next", "PyLong_FromLong", "_PyLong_FromMedium",
           "PyObject_Malloc", "_Py_NewReference", "list_dealloc", "PyObject_Free", "Py_FinalizeEx"]


# --- seed 003 ---------------------------------------------------------------------------------
def rel_stringio(res, tool):
    return role(res, "py-stringio", "release", tool)


def joined(res, bench, tool):
    """Bytes the snippet writes in all: n writes of `chunk` characters."""
    ctx = res.context(bench, tool)
    return int(ctx["n"]) * int(ctx["chunk"])


def at_seed_size(res, b, tool):
    """Raise Missing unless b ran seed 003's 100,000 writes: the rows compare
    its 99,999 writes with its 100,000th, the one write that joins them all.
    At another n they would compare other things (at the tests' 20,000 no
    write joins; at 200,000 the last joins only the 100,000 since the first)."""
    n = res.n(b, tool)
    if n != SEED_WRITES:
        raise Missing(res.path(b, tool, "context"), "make {} BENCH={} N={}".format(tool, b, SEED_WRITES),
                      "this run has n={}; the seed's figures are of {} writes, the last of which "
                      "joins them".format(group(n), group(SEED_WRITES)))


def t99(res):
    b = rel_stringio(res, "walltime")
    at_seed_size(res, b, "walltime")
    t = res.walltime(b, "writes")
    return Measured("{:.3f} s: {} writes of {} B ({} B)".format(
        t, group(res.n(b, "walltime") - 1), group(res.chunk(b, "walltime")),
        group(joined(res, b, "walltime") - res.chunk(b, "walltime"))), t, "walltime {} (phase writes)".format(b))


def t99_why(res, m):
    b = rel_stringio(res, "walltime")
    return ("{:.0f}× fewer bytes ({} B chunks against 1 MB; 100 GB would not fit here), the writes alone (the seed "
            "timed the whole process), and nothing is copied: the accumulator keeps references "
            "(Python {})".format(
                99e9 / (joined(res, b, "walltime") - res.chunk(b, "walltime")), group(res.chunk(b, "walltime")),
                res.context(b, "walltime").get("python version", "?")))


def t100(res):
    b = rel_stringio(res, "walltime")
    at_seed_size(res, b, "walltime")
    a, c = res.walltime(b, "writes"), res.walltime(b, "last")
    return Measured("{:.3f} s, {} × the 99,999 writes' time "
                    "(the 100,000th alone {:.3f} s)".format(
        a + c, sig((a + c) / a), c), (a + c) / a, "walltime {} (phases writes, last)".format(b))


def t100_why(res, m):
    b = rel_stringio(res, "walltime")
    g = joined(res, b, "walltime")
    return ("the 100,000th write joins {} B here, 100 GB there, and the first 99,999 cost next to "
            "nothing in both; but the seed's 99 GB time is a whole process (start-up and the 1 MB "
            "string included), ours the writes alone, so the two ratios are of different "
            "things: the 100,000th write's own time is the figure to read".format(group(g)))


def stalls(res):
    b = rel_stringio(res, "walltime")
    rows = [x for x in res.csv("sweep", "stalls.csv") if x["series"] == tag(b)]
    if not rows:
        raise Missing(res.path("sweep", "", "stalls.csv") + " (" + b + ")", "make sweep")
    return Measured("; ".join("{} B chunks: {} stalls in {} writes, longest {} ms".format(
        group(int(x["chunk_B"])), x["stalls"], group(int(x["writes"])), x["longest_write_ms"])
        for x in rows), None, "sweep (native, {})".format(tag(b)))


def stalls_why(res, m):
    return ("the same law: one stall per 100,000 writes whatever the chunk; a stall is a write "
            "slower than 2 ms and 100× the median (`make sweep`)")


def refcount(res):
    b = rel_stringio(res, "callgrind")
    at_seed_size(res, b, "callgrind")
    probes = re.findall(r"probe: sys.getrefcount\(s\) (before|after) write (\d+): (\d+)",
                        res.stderr(b, "callgrind"))
    d = {p[0]: int(p[2]) for p in probes}
    if "before" not in d or "after" not in d:
        raise Missing(res.path(b, "callgrind", "stderr.log") + " (no probe)", "make callgrind BENCH=" + b)
    return Measured("{} before, {} after (sys.getrefcount counts its own argument: {} and {})".format(
        group(d["before"]), group(d["after"]), group(d["before"] - 1), group(d["after"] - 1)),
        (d["before"] - 1), "callgrind {} (stderr.log)".format(b))


def refcount_why(res, m):
    return "the same accumulator (`Objects/accu.c`): one reference per write waits for the join"


def where(res):
    b = rel_stringio(res, "callgrind")
    at_seed_size(res, b, "callgrind")
    last = res.inclusive(b).get("last", {})
    tot = res.phase_ir(b, "last")
    acc = max([v for k, v in last.items() if "accu" in k.lower() or k == "join_list_unicode"] or [0])
    cp = max([v for k, v in last.items() if "memmove" in k or "memcpy" in k] or [0])
    if not acc or not cp:
        raise Missing(res.path(b, "callgrind", "inclusive.tsv") + " (no join in the last write)",
                      "make callgrind BENCH=" + b)
    w = rel_stringio(res, "walltime")
    at_seed_size(res, w, "walltime")
    secs = res.walltime(w, "last")
    if secs <= 0:  # walltime keeps microseconds
        raise Missing(res.path(w, "walltime", "walltime.tsv"), "make walltime BENCH=" + w,
                      "the last write took under the 1 µs walltime records")
    g = joined(res, w, "walltime") / 1e9
    return Measured("the join {:.1f} %, memmove/memcpy {:.1f} % of the 100,000th write's {} Ir; "
                    "{:.2f} GB/s ({} B in {:.3f} s)".format(
                        100.0 * acc / tot, 100.0 * cp / tot, group(tot), g / secs,
                        group(joined(res, w, "walltime")), secs), g / secs, "callgrind + walltime " + b)


def where_why(res, m):
    return ("the same path; the rate is this machine's, not broken down here (memory bandwidth, "
            "the first touch of every page of the new string) and it moved between days on this "
            "shared VM; the seed's is Scalene's COPY column. Callgrind counts a `rep movsb` copy as "
            "an instruction per byte: read its Ir as work, not time")


def fix(res):
    g = None
    for b in res.benches("py-stringio-getvalue"):
        if res.has(b, "callgrind") and "release" in res.context(b, "callgrind").get("python roles", ""):
            g = b
    txt = []
    if g:
        txt.append("getvalue() on {} after {} writes: {} Ir (the last write had joined them)".format(
            tag(g), group(res.n(g, "callgrind")), group(res.phase_ir(g, "getvalue"))))
    for b in res.benches("py-stringio"):
        if not res.has(b, "callgrind"):
            continue
        v = res.context(b, "callgrind").get("python version", "0.0").split(".")
        if int(v[0]) == 3 and int(v[1]) >= 12:
            w, l = res.phase_ir(b, "writes"), res.phase_ir(b, "last")
            txt.append("{}: the 100,000th write costs {} × an ordinary one".format(
                tag(b), sig(l / (w / float(res.n(b, "callgrind") - 1)))))
    if not txt:
        raise Missing(res.path("py-stringio@newest", "callgrind", ""), "make callgrind BENCH=py-stringio@newest")
    return Measured("; ".join(txt), None, "callgrind")


def fix_why(res, m):
    return ("the seed's fix is to the benchmark: getvalue() makes every run pay for the join, "
            "whatever the count of writes, so the times measure the copy; it does not avoid it. "
            "3.12 replaced the accumulator with `_PyUnicodeWriter` (gh-95005): writes copy as they go")


def copy_rows(res):
    """DHAT --mode=copy: bytes copied by 99,999 writes and by 100,000."""
    out = []
    for b in res.benches("py-stringio") + ["c-accu"]:
        if not res.has(b, "dhat-copy"):
            continue
        d = res.dhat_copy(b)
        out.append("{}: {} B in {} copies with {} writes, {} B with {}".format(
            b, group(d["before"][0]), group(d["before"][1]), group(res.n(b, "dhat-copy") - 1),
            group(d["all"][0]), group(res.n(b, "dhat-copy"))))
    if not out:
        raise Missing(res.path("py-stringio@release", "dhat-copy", ""),
                      "make dhat-copy BENCH=\"py-stringio@release+newest c-accu\"")
    return Measured("; ".join(out), None, "dhat --mode=copy")


def copy_why(res, m):
    return ("3.3–3.11 and c-accu copy the bytes once, at the 100,000th write's join; 3.12+ as they go. "
            "DHAT's copy mode counts the calls to memcpy, memmove and their kin, not the copies "
            "realloc makes inside the allocator, nor compiled-in copies")


SEED_003 = [
    Figure("t99", "the first 99,999 writes", "0.361 s, whole process, for 99 GB (the seed's text says "
           "99,999 writes: 99 GB in 1 MB chunks is 99,000)", None, M1, t99, t99_why),
    Figure("t100", "100,000 writes", "28.5 s, whole process (≈ 80× the 99 GB run)",
           None, M1, t100, t100_why),
    Figure("stalls", "stalls", "one per 100,000 writes; 10× smaller chunks → 10× more, each shorter", None,
           M1, stalls, stalls_why),
    Figure("refcount", "refcount of the written string", "100,000 just before the 100,000th write, 1 after",
           100000.0, M1, refcount, refcount_why),
    Figure("where", "where the time goes", "write_str → flush_accumulator → memmove; ≈ 3.4 GB/s", 3.4, M1,
           where, where_why),
    Figure("copies", "bytes copied (DHAT copy mode)", "— (the seed used Scalene and Instruments)", None, M1,
           copy_rows, copy_why),
    Figure("fix", "the fix", "getvalue() after the loop forces the join, so the benchmark measures it; "
           "3.12 removed the accumulator", None,
           M1, fix, fix_why),
]
