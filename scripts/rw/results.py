"""Reading a results folder: RESULTS/BENCH/TOOL/ as the drivers left it.

Everything a figure needs comes from the files there -- the raw tool
outputs, their TSV renderings, and each result's `context` file, which
records every knob and the Python's facts -- so nothing here runs a
program.  A figure whose file is missing raises Missing, naming the file
and the `make` command that makes it.
"""

import os
import re


class Missing(Exception):
    """A raw file a figure needs is not there, or (with `why`) it is there but
    cannot give the figure: `why` says what the run lacks."""

    def __init__(self, path, make, why=None):
        Exception.__init__(self, path)
        self.path, self.make, self.why = path, make, why


def context_value(d, key):
    """KEY's value in result folder D's context file, or None."""
    try:
        with open(os.path.join(d, "context")) as f:
            for line in f:
                if line.startswith(key + ": "):
                    return line[len(key) + 2:].rstrip("\n")
    except OSError:
        pass
    return None


def tag_key(bench):
    """Sort py-X@2.7 < py-X@3.6 < ... < py-X@3.11d: by version, debug last."""
    tag = bench.partition("@")[2]
    nums = [int(x) for x in re.findall(r"\d+", tag)]
    return (bench.partition("@")[0], nums, tag.endswith("d"))


class Results:
    """The raw results folder, and the figures that lost their source."""

    def __init__(self, root):
        self.root = root
        self.missing = []   # (figure, Missing)
        self._ctx = {}

    # --- files ------------------------------------------------------------------
    def path(self, bench, tool, name=""):
        return os.path.join(self.root, bench, tool, name)

    def has(self, bench, tool, name="context"):
        return os.path.isfile(self.path(bench, tool, name))

    def need(self, bench, tool, name):
        p = self.path(bench, tool, name)
        if not os.path.isfile(p):
            raise Missing(p, "make {} BENCH={}".format(tool, bench))
        return p

    def read(self, bench, tool, name):
        with open(self.need(bench, tool, name), errors="replace") as f:
            return f.read()

    def tsv(self, bench, tool, name):
        lines = self.read(bench, tool, name).splitlines()
        head = lines[0].split("\t")
        return [dict(zip(head, line.split("\t"))) for line in lines[1:] if line]

    def csv(self, *parts):
        """Rows of RESULTS/parts... as dicts (the sweep's CSV files)."""
        p = os.path.join(self.root, *parts)
        if not os.path.isfile(p):
            raise Missing(p, "make sweep")
        with open(p) as f:
            lines = f.read().splitlines()
        head = lines[0].split(",")
        return [dict(zip(head, x.split(","))) for x in lines[1:] if x]

    # --- what produced a result --------------------------------------------------
    def context(self, bench, tool):
        """The context file as {key: value}; `command` holds a list."""
        key = (bench, tool)
        if key not in self._ctx:
            ctx = {"command": []}
            for line in self.read(bench, tool, "context").splitlines():
                k, _, v = line.partition(": ")
                if k == "command":
                    ctx["command"].append(v)
                else:
                    ctx.setdefault(k, v)
            self._ctx[key] = ctx
        return self._ctx[key]

    def any_context(self, bench):
        """The context of any of BENCH's results, or None."""
        d = os.path.join(self.root, bench)
        for tool in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if self.has(bench, tool):
                return self.context(bench, tool)
        return None

    def n(self, bench, tool):
        return int(self.context(bench, tool)["n"])

    def chunk(self, bench, tool):
        c = self.context(bench, tool).get("chunk", "-")
        return int(c) if c.isdigit() else None

    def benches(self, prefix):
        """NAME@* (or a native NAME) with any results, in Python order."""
        if not os.path.isdir(self.root):
            return []
        found = [d for d in os.listdir(self.root)
                 if os.path.isdir(os.path.join(self.root, d))
                 and (d == prefix or d.startswith(prefix + "@"))]
        return sorted(found, key=tag_key)

    def with_role(self, prefix, role):
        """The first NAME@TAG with results whose Python plays `role`."""
        for b in self.benches(prefix):
            ctx = self.any_context(b)
            if ctx and role in ctx.get("python roles", "-").split("+"):
                return b
        return None

    # --- figures ------------------------------------------------------------------
    def callgrind_phases(self, bench, tool="callgrind"):
        """[(phase, Ir)] in run order (tool: callgrind, or callgrind-all)."""
        return [(r["phase"], int(r["Ir"])) for r in self.tsv(bench, tool, "phases.tsv")]

    def callgrind_total(self, bench, tool="callgrind"):
        return sum(ir for _, ir in self.callgrind_phases(bench, tool))

    def phase_ir(self, bench, phase, tool="callgrind"):
        for ph, ir in self.callgrind_phases(bench, tool):
            if ph == phase:
                return ir
        raise Missing(self.path(bench, tool, "phases.tsv") + " (phase " + phase + ")",
                      "make {} BENCH={}".format(tool, bench))

    def massif_snapshots(self, bench):
        """Massif's snapshots: [{snapshot, time_B, useful_heap_B, ...}] as ints."""
        return [{k: int(v) for k, v in r.items()}
                for r in self.tsv(bench, "massif", "massif.tsv")]

    def massif_peak(self, bench):
        """The peak useful heap: Massif's snapshots and the phase ends."""
        peak = 0
        for r in self.tsv(bench, "massif", "massif.tsv"):
            peak = max(peak, int(r["useful_heap_B"]))
        for r in self.tsv(bench, "massif", "phases.tsv"):
            peak = max(peak, int(r["useful_heap_B"]))
        return peak

    def massif_peak_total(self, bench):
        """Massif's peak as ms_print draws it, the snapshot of most total
        memory: {total, useful, extra, stacks, stacks_profiled}."""
        best = None
        for r in self.massif_snapshots(bench):
            t = r["useful_heap_B"] + r["extra_heap_B"] + r["stacks_B"]
            if best is None or t > best["total"]:
                best = {"total": t, "useful": r["useful_heap_B"], "extra": r["extra_heap_B"],
                        "stacks": r["stacks_B"]}
        if best is None:
            raise Missing(self.path(bench, "massif", "massif.tsv") + " (no snapshot)",
                          "make massif BENCH=" + bench)
        best["stacks_profiled"] = any("--stacks=yes" in c
                                      for c in self.context(bench, "massif")["command"])
        return best

    def massif_phase(self, bench, phase):
        for r in self.tsv(bench, "massif", "phases.tsv"):
            if r["phase"] == phase:
                return int(r["useful_heap_B"])
        raise Missing(self.path(bench, "massif", "phases.tsv") + " (phase " + phase + ")",
                      "make massif BENCH=" + bench)

    def _massif_biggest_detailed(self, bench):
        """The text and useful heap of the detailed snapshot of most useful heap."""
        text = self.read(bench, "massif", "massif.out")
        best, best_heap = None, -1
        for s in text.split("#-----------\nsnapshot="):
            if "heap_tree=peak" in s or "heap_tree=detailed" in s:
                m = re.search(r"^mem_heap_B=(\d+)", s, re.M)
                if m and int(m.group(1)) > best_heap:
                    best, best_heap = s, int(m.group(1))
        if best is None:
            raise Missing(self.path(bench, "massif", "massif.out") + " (no detailed snapshot)",
                          "make massif BENCH=" + bench)
        return best, best_heap

    def massif_peak_tree(self, bench):
        """(heap, [(function, bytes)]) of the biggest detailed snapshot."""
        best, best_heap = self._massif_biggest_detailed(bench)
        nodes = re.findall(r"^ *n\d+: (\d+) (?:0x[0-9A-F]+: )?(.*)$", best, re.M)
        return best_heap, [(fn, int(b)) for b, fn in nodes]

    def massif_peak_tree_total(self, bench):
        """The total memory (useful + extra heap + stacks) of that snapshot:
        what ms_print's percentages in its tree are of."""
        best, _ = self._massif_biggest_detailed(bench)
        return sum(int(m) for m in re.findall(r"^mem_(?:heap|heap_extra|stacks)_B=(\d+)", best, re.M))

    def walltime(self, bench, phase="total"):
        for r in self.tsv(bench, "walltime", "walltime.tsv"):
            if r["phase"] == phase:
                return float(r["best_s"])
        raise Missing(self.path(bench, "walltime", "walltime.tsv") + " (phase " + phase + ")",
                      "make walltime BENCH=" + bench)

    def dhat(self, bench):
        """{'guest_insns': (n, 0), 'max_live': (bytes, blocks), 'tot_alloc': ...}"""
        out = {}
        for line in self.read(bench, "dhat", "dhat.txt").splitlines():
            m = re.match(r"(\w+):\s+(\d+)(?: bytes in (\d+) blocks)?", line)
            if m:
                out[m.group(1)] = (int(m.group(2)), int(m.group(3) or 0))
        return out

    def dhat_sites(self, bench):
        """DHAT's allocation points, most bytes first, as dicts of ints and 'site'."""
        rows = self.tsv(bench, "dhat", "dhat.tsv")
        return [{k: (v if k in ("site", "python") else int(v)) for k, v in r.items()} for r in rows]

    def malloc_sizes(self, bench):
        """{size: count} from ltrace's histogram."""
        out = {}
        for line in self.read(bench, "ltrace", "malloc-sizes.txt").splitlines()[1:]:
            count, size = line.split()
            out[int(size)] = int(count)
        return out

    def strace_calls(self, bench, tool="strace"):
        """{syscall: calls} from strace -c's summary."""
        out = {}
        for line in self.read(bench, tool, "summary.txt").splitlines():
            f = line.split()
            if len(f) >= 5 and f[-1].isalpha() and f[-2].isdigit():
                out[f[-1]] = int(f[-2])
        return out

    def brk_moves(self, bench):
        """[(new top - old top)] for every brk that moved the heap's top."""
        log = self.read(bench, "strace", "strace.log")
        moves, top = [], None
        for m in re.finditer(r"^brk\((NULL|0x[0-9a-f]+)\)\s+= (0x[0-9a-f]+)", log, re.M):
            new = int(m.group(2), 16)
            if top is not None and new != top:
                moves.append(new - top)
            top = new
        return moves

    def strace_phases(self, bench, tool="strace"):
        """strace's phases.tsv: per phase, brk calls that grew or shrank the
        heap and by how much, mmap and munmap calls."""
        return [{k: (v if k == "phase" else int(v)) for k, v in r.items()}
                for r in self.tsv(bench, tool, "phases.tsv")]

    def dhat_copy(self, bench):
        """DHAT --mode=copy: {'all': (bytes, copies), 'before': (bytes, copies)}
        for the run of n writes and the run of n - 1 (dhat.txt's totals)."""
        out = {}
        for line in self.read(bench, "dhat-copy", "dhat.txt").splitlines():
            m = re.match(r"(copied|copied_before_last):\s+(\d+) bytes in (\d+) copies", line)
            if m:
                out["all" if m.group(1) == "copied" else "before"] = (int(m.group(2)), int(m.group(3)))
        if "all" not in out:
            raise Missing(self.path(bench, "dhat-copy", "dhat.txt") + " (no copy totals)",
                          "make dhat-copy BENCH=" + bench)
        out.setdefault("before", (0, 0))
        return out

    def big_mmaps(self, bench):
        sizes = []
        for line in self.read(bench, "strace", "big-maps.txt").splitlines():
            m = re.match(r"mmap\(NULL, (\d+), .*MAP_ANONYMOUS", line)
            if m:
                sizes.append(int(m.group(1)))
        return sizes

    def inclusive(self, bench, tool="callgrind"):
        """{phase: {function: inclusive Ir}} from inclusive.tsv (scripts/post/cgparts),
        a function's name stripped of gcc's suffixes (.lto_priv.0, ...) and
        Callgrind's recursion depth ('2), the largest of its entries kept."""
        parts = {}
        for r in self.tsv(bench, tool, "inclusive.tsv"):
            name = re.sub(r"(\.(lto_priv|constprop|part|isra|cold)\.\d+)+$|'\d+$", "",
                          r["function"].rpartition(":")[2])
            d = parts.setdefault(r["phase"], {})
            d[name] = max(d.get(name, 0), int(r["inclusive_Ir"]))
        return parts

    def stderr(self, bench, tool):
        return self.read(bench, tool, "stderr.log")
