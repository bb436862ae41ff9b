"""Flame graphs of the tools' profiles: the trees, their folded stacks, and
one self-contained HTML file a graph (d3-flame-graph, vendor/flamegraph/).

A graph is a tree of frames, drawn as an icicle: the outermost (the
program's entry) at the top, each callee below its caller -- Python's
stacks run a hundred frames deep, and the page opens on their roots.  A
frame's figure is inclusive: its own and its callees'.  Where the trees
come from:
  Massif    a detailed snapshot's allocation tree, turned the other way
            (Massif's root is the allocator, its leaves the entry points):
            exact, to the snapshot's threshold, whose folded remainder is a
            frame of its own ("[N places below Massif's threshold]").
  DHAT      each allocation point's stack: total bytes, total blocks.
  Callgrind inclusive Ir by call path, derived: Callgrind counts caller ->
            callee pairs, not stacks, so a function's cost on a path is
            split between its own code and its callees as its pairs split
            its cost over the whole part.  Exact at the top (the part's
            roots and their callees); below, an estimate.  A function
            already on the path is not descended into again (a cycle is
            cut: its cost stays in the outer call), and a callee's pair
            counts without what the callee spent calling back into the
            path.  Callgrind names a recursion's second level f'2
            (--separate-recs=2), a function of its own, followed, and shown
            as f again under the first.
The Python view charges each C function's cost to the innermost Python
function (py:NAME (FILE:LINE), the runner's --pyframes) on its stack.

Totals hold: a pruned branch becomes one "[N frames under X pruned]" frame
with its figure, and figures are rounded down, a parent's own share taking
the remainder.
"""

import fnmatch
import functools
import gzip
import html
import json
import math
import os
import re

VENDOR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "vendor", "flamegraph")

ADDRESS = re.compile(r"^0x[0-9A-Fa-f]+: ")
BELOW = re.compile(r"^in (\d+) places?, (?:all )?below (?:massif's )?threshold")
# The runner's own frames: its frame-evaluation hook, between every two
# Python functions (pyembed/pyframes.c), and its allocator hooks.
RUNNER_FRAMES = {"pyframes_eval", "hook_malloc", "hook_calloc", "hook_realloc", "note_alloc",
                 "rw_dhat_event"}
NO_PYTHON = "[no Python function on the stack]"


class Node:
    __slots__ = ("name", "value", "children", "delta")

    def __init__(self, name, value=0):
        self.name = name
        self.value = value
        self.children = {}
        self.delta = None       # B's figure less A's, in a differential graph

    def child(self, name):
        c = self.children.get(name)
        if c is None:
            c = self.children[name] = Node(name)
        return c

    def add(self, frames, value):
        """Add a stack (outermost frame first) holding `value` of its own."""
        node = self
        node.value += value
        for f in frames:
            node = node.child(f)
            node.value += value


def frame_name(label):
    """A tool's frame label as a flame graph names it, or None to leave it
    out: 'py:NAME (FILE:LINE)' stays; a C function loses its address,
    file and line (one frame a function, not a call site); inlined frames
    (UnknownInlinedFun) and the runner's hooks are left out."""
    label = ADDRESS.sub("", label.strip())
    m = BELOW.match(label)
    if m:
        return "[{} places below Massif's threshold]".format(m.group(1))
    if label.startswith("py:"):
        return label.replace(";", ",")
    if label.startswith("???"):
        m = re.search(r"\(in ([^)]*)\)", label)
        return "??? ({})".format(os.path.basename(m.group(1))) if m else "???"
    name = re.sub(r" \((?:in )?[^()]*\)$", "", label)
    if name in RUNNER_FRAMES or name == "UnknownInlinedFun":
        return None
    return name.replace(";", ",") or None


def clean(frames, names=None):
    """Frame names from labels, outermost first, repeats in a row merged;
    NAMES caches frame_name's answers (a label recurs in many stacks)."""
    names = {} if names is None else names
    out = []
    for label in frames:
        f = names.get(label, False)
        if f is False:
            f = names[label] = frame_name(label)
        if f is not None and (not out or out[-1] != f):
            out.append(f)
    return out


# --- sources ----------------------------------------------------------------

def massif_stacks(tree):
    """(frames outermost first, bytes of their own) of a Massif heap tree
    (bytes, label, children): every byte of the snapshot once."""
    out, names = [], {}
    todo = [(tree, [])]
    while todo:
        node, path = todo.pop()
        own = node[0] - sum(c[0] for c in node[2])
        if own > 0:
            out.append((clean(reversed(path), names) or ["[allocation functions]"], own))
        for c in node[2]:
            todo.append((c, path + [c[1]]))
    return out


def dhat_stacks(path):
    """DHAT's allocation points: [(frames outermost first, bytes, blocks,
    bytes live at the global peak)], from its JSON (dhat.out)."""
    with open(path) as f:
        d = json.load(f)
    ftbl = d["ftbl"]
    names = {}
    allocator = re.compile(r": (malloc|calloc|realloc|memalign|posix_memalign|"
                           r"aligned_alloc|operator new(\[\])?|valloc) ")
    out = []
    for pp in d["pps"]:
        fs = pp["fs"]
        # The allocator itself (malloc, calloc, ...) is the innermost frame.
        if fs and allocator.search(ftbl[fs[0]]):
            fs = fs[1:]
        out.append((clean((ftbl[i] for i in reversed(fs)), names) or ["[allocation functions]"],
                    pp["tb"], pp["tbk"], pp.get("gb", 0)))
    return out


def base_name(fn):
    """A Callgrind function name without its recursion depth ('2)."""
    return re.sub(r"'\d+$", "", fn)


@functools.lru_cache(maxsize=None)     # asked again for every path through fn
def callgrind_label(fn):
    """A Callgrind function name -> a frame name."""
    name = base_name(fn)
    if name.startswith("py:"):
        return name.replace(";", ",")
    return None if name in RUNNER_FRAMES else name.replace(";", ",")


def fn_only(name):
    """'FILE:FUNCTION' -> FUNCTION: rw.callgrind names a function by the
    file its lines are in, which for inlined lines is another file than
    the one its callers' calls name."""
    return name.partition(":")[2] or name


def outermost(part):
    """(name, inclusive Ir) of the function with no caller in the part,
    full names kept, whose inclusive Ir is the largest; None if none."""
    calls_in, calls_out = set(), {}
    for (caller, callee), (_, ir) in part.calls.items():
        calls_in.add(callee)
        calls_out[caller] = calls_out.get(caller, 0) + ir
    best = None
    for f in set(part.self_cost) | set(calls_out):
        if f not in calls_in:
            v = part.self_cost.get(f, 0) + calls_out.get(f, 0)
            if best is None or v > best[1]:
                best = (f, v)
    return best


def callgrind_stacks(part, floor):
    """[(frames outermost first, Ir of their own)] of one Callgrind part, the
    paths derived from its caller -> callee pairs (see the module's text).
    Branches under `floor` Ir become "[N frames under X pruned]"."""
    self_cost, calls_in, calls_out, callees = {}, {}, {}, {}
    for name, ir in part.self_cost.items():
        f = fn_only(name)
        self_cost[f] = self_cost.get(f, 0) + ir
    for (caller, callee), (_, ir) in part.calls.items():
        a, b = fn_only(caller), fn_only(callee)
        calls_out[a] = calls_out.get(a, 0) + ir
        calls_in[b] = calls_in.get(b, 0) + ir
        callees.setdefault(a, {})
        callees[a][b] = callees[a].get(b, 0) + ir
    incl = {f: self_cost.get(f, 0) + calls_out.get(f, 0) for f in set(self_cost) | set(calls_out)}
    incl.update(calls_in)
    by_callee = callees
    callees = {a: sorted(d.items(), key=lambda x: -x[1]) for a, d in callees.items()}
    roots = [f for f in incl if f not in calls_in and incl[f] > 0]
    value = {r: incl[r] for r in roots}
    if sum(value.values()) < part.total / 2:
        # The call under way when collection began (a counted call, under
        # --measure calls) has no caller in the part, but its name merges
        # with the same function's calls within it (PyObject_Vectorcall,
        # inlined from pycore_call.h and called from call.c): its
        # full-named root stands for it.
        outer = outermost(part)
        if outer is not None:
            r = fn_only(outer[0])
            roots.append(r)
            value[r] = min(outer[1], part.total)
    covered = float(sum(value.values()))
    scale = part.total / covered if covered > part.total else 1.0
    out = []
    # Each entry: the function, its cost on this path, the path, the
    # functions on it (a cycle is cut where it closes).
    # Figures in whole Ir, rounded down: a function's own share takes the
    # remainder, so that every path's figures add up to the part's total.
    todo = [(r, int(value[r] * scale), [r], {r}) for r in roots]
    rest = part.total - sum(t[1] for t in todo)
    while todo:
        fn, value, path, on_path = todo.pop()
        # fn's figure split between its own Ir and its callees', as
        # Callgrind's pairs split fn's Ir over the part.  A callee's pair
        # counts without what it spent calling back into the path
        # (recursion, or a call that began before the part did): that cost
        # is already the outer call's.
        kids = []
        for g, ir in callees.get(fn, []):
            if ir <= 0 or g in on_path:
                continue
            g_all = self_cost.get(g, 0) + calls_out.get(g, 0)
            d = by_callee.get(g, {})
            if len(d) > len(on_path):
                back = sum(d.get(h, 0) for h in on_path) + d.get(g, 0)
            else:
                back = sum(v for h, v in d.items() if h in on_path or h == g)
            w = ir * (g_all - back) / g_all if g_all > back else (ir if g_all == 0 else 0)
            if w > 0:
                kids.append((g, w))
        base = self_cost.get(fn, 0) + sum(w for _, w in kids)
        share = value / base if base else 0.0
        kids = [(g, int(w * share)) for g, w in kids]
        ksum = sum(v for _, v in kids)
        pruned, npruned = 0, 0
        for g, v in kids:
            if v < floor or len(path) >= 400:
                pruned += v
                npruned += 1
            else:
                todo.append((g, v, path + [g], on_path | {g}))
        frames = [f for f in map(callgrind_label, path) if f is not None]
        if value - ksum > 0:
            out.append((frames, value - ksum))
        if npruned:
            out.append((frames + ["[{} frames under {} pruned]".format(
                npruned, frames[-1] if frames else "the root")], pruned))
    if rest > 0:
        out.append((["[not inside a call Callgrind saw begin]"], rest))
    return out


# --- trees -------------------------------------------------------------------

def tree(stacks, root_name, total=None):
    """A tree of (frames, value) stacks; its root named root_name, of value
    `total` (the profile's) when given."""
    root = Node(root_name)
    for frames, value in stacks:
        root.add(frames, value)
    if total is not None:
        root.value = total
    return root


def python_view(stacks):
    """Stacks with only their Python frames: a C function's figure goes to
    the innermost Python function on its stack."""
    out = []
    for frames, value in stacks:
        tower = frames[:1] if frames and frames[0].startswith("[phase ") else []
        py = [f for f in frames if f.startswith("py:")]
        if not py:
            # A remainder (Massif's threshold, a pruned branch) is not known
            # to have no Python function: it keeps its own name.
            # (Massif's remainder is the outermost frame Massif kept of
            # such a stack: turned over, it comes first.)
            py = [f for f in frames if "below Massif's threshold" in f][:1] or [NO_PYTHON]
        out.append((tower + py, value))
    return out


def machinery_patterns():
    """The patterns of scripts/rw/pyframes-skip.txt: CPython's frames between
    two Python functions."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pyframes-skip.txt")
    with open(path) as f:
        return [w for line in f if not line.startswith("#") for w in line.split()]


def without_machinery(stacks):
    """Stacks without CPython's evaluation and call machinery
    (scripts/rw/pyframes-skip.txt), as Callgrind's --fn-skip leaves them
    under --pyframes: py:caller -> py:callee, and a fifth of the depth."""
    patterns = machinery_patterns()
    seen = {}

    def keep(f):
        k = seen.get(f)
        if k is None:
            k = seen[f] = not any(fnmatch.fnmatchcase(f, p) for p in patterns)
        return k

    out = []
    for frames, *values in stacks:
        kept = [f for f in frames if keep(f)]
        merged = [f for i, f in enumerate(kept) if i == 0 or kept[i - 1] != f]
        out.append((merged, *values))
    return out


def has_python(stacks):
    return any(f.startswith("py:") for s in stacks for f in s[0])


def integral(node, is_root=True):
    """Figures rounded down (the root's kept): children never sum above
    their parent, whose own share takes the remainder."""
    if not is_root:
        node.value = math.floor(node.value + 1e-9)
    for c in node.children.values():
        integral(c, False)
    return node


def prune(node, floor):
    """A copy for display: children under `floor` folded into one frame
    "[N frames pruned]" holding their figure."""
    copy = Node(node.name, node.value)
    copy.delta = node.delta
    small, n, delta = 0, 0, 0
    for c in node.children.values():
        if c.value < floor:
            small += c.value
            delta += c.delta or 0
            n += 1
        else:
            copy.children[c.name] = prune(c, floor)
    if n:
        name = "[{} smaller frames]".format(n)
        copy.children[name] = Node(name, small)
        if node.delta is not None:
            copy.children[name].delta = delta
    return copy


def folded(node):
    """The folded-stacks text ("frame;frame;frame COUNT" a line, the root
    left out), which FlameGraph, inferno, speedscope and Grafana read."""
    lines = []
    todo = [(node, [])]
    while todo:
        n, path = todo.pop()
        own = n.value - sum(c.value for c in n.children.values())
        if own > 0 and path:
            lines.append("{} {}".format(";".join(path), int(own)))
        for c in n.children.values():
            todo.append((c, path + [c.name]))
    lines.sort()
    return "\n".join(lines) + ("\n" if lines else "")


def as_json(node):
    out = {"name": node.name, "value": int(node.value),
           "children": [as_json(c) for c in sorted(node.children.values(), key=lambda c: c.name)]}
    if node.delta is not None:
        out["delta"] = int(node.delta)
    return out


def read_folded(path):
    """[(frames, count)] of a folded-stacks file (gzip-compressed: .gz)."""
    out = []
    with (gzip.open(path, "rt") if path.endswith(".gz") else open(path)) as f:
        for line in f:
            stack, _, n = line.rstrip("\n").rpartition(" ")
            if stack:
                out.append((stack.split(";"), int(n)))
    return out


def differential(a, b, key=lambda name: name):
    """B's tree, each frame given its figure less A's on the same path,
    frames matched by key(name) (A's frames that B lacks have no width to
    show: the page says so)."""
    def walk(nb, na):
        nb.delta = nb.value - (na.value if na is not None else 0)
        kids = {key(n): c for n, c in na.children.items()} if na is not None else {}
        for name, c in nb.children.items():
            walk(c, kids.get(key(name)))
    walk(b, a)
    return b


# --- HTML --------------------------------------------------------------------

def vendor(name):
    with open(os.path.join(VENDOR, name)) as f:
        return f.read()


def page(root, title, unit, notes):
    """One self-contained HTML page: the libraries inlined, the tree in it."""
    data = json.dumps(as_json(root), separators=(",", ":")).replace("</", "<\\/")
    note_html = "".join("<li>{}</li>".format(html.escape(n)) for n in notes)
    return TEMPLATE.format(
        title=html.escape(title), unit=html.escape(unit), total="{:,}".format(int(root.value)),
        notes=note_html, d3=vendor("d3.min.js"), fg=vendor("d3-flamegraph.min.js"),
        css=vendor("d3-flamegraph.css"), data=data, unit_js=json.dumps(unit),
        differential="true" if root.delta is not None else "false")


TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
<style>{css}
body {{ font-family: sans-serif; margin: 12px; }}
h1 {{ font-size: 18px; margin: 0 0 4px; }}
#bar {{ margin: 8px 0; }}
#details {{ min-height: 1.4em; font-family: monospace; margin: 6px 0; }}
ul {{ margin: 4px 0; font-size: 13px; color: #444; }}
</style></head>
<body>
<h1>{title}</h1>
<div id="total">Total: {total} {unit}</div>
<ul>{notes}</ul>
<div id="bar"><input id="term" type="search" placeholder="search (regular expression)">
<button id="search">Search</button> <button id="clear">Clear</button>
<button id="reset">Reset zoom</button> <span id="found"></span></div>
<div id="details"></div>
<div id="chart"></div>
<!-- d3 and d3-flame-graph, inlined from rangewall's vendor/flamegraph/ (their licences there) -->
<script>{d3}</script>
<script>{fg}</script>
<script id="data" type="application/json">{data}</script>
<script>
(function () {{
  var unit = {unit_js}, differential = {differential};
  var data = JSON.parse(document.getElementById("data").textContent);
  var fmt = d3.format(",");
  var total = data.value || 1;
  function label(d) {{
    var s = d.data.name + ": " + fmt(d.data.value) + " " + unit + " (" +
      (100 * d.data.value / total).toFixed(2) + " %)";
    if (differential)
      s += ", " + (d.data.delta >= 0 ? "+" : "") + fmt(d.data.delta) + " " + unit + " against A";
    return s;
  }}
  var chart = flamegraph.default()
    .width(Math.max(800, window.innerWidth - 30))
    .cellHeight(18).minFrameSize(0).transitionDuration(0)
    .sort(true).title("").selfValue(false).inverted(true)
    .setLabelHandler(label)
    .setDetailsElement(document.getElementById("details"));
  if (differential) chart.setColorMapper(flamegraph.colorMapper.differentialColorMapper);
  d3.select("#chart").datum(data).call(chart);
  // Finish the drawing's transitions now rather than on animation frames,
  // which a headless browser's screenshot need not wait for (one showed
  // every frame at a tenth of its width).
  for (var i = 0; i < 4; i++) d3.timerFlush();
  function search() {{
    var t = document.getElementById("term").value;
    chart.search(t);
    var n = 0;
    d3.selectAll("#chart g").each(function (d) {{ if (d && d.highlight) n++; }});
    document.getElementById("found").textContent = t ? n + " frames match" : "";
  }}
  document.getElementById("search").onclick = search;
  document.getElementById("term").onkeyup = function (e) {{ if (e.key === "Enter") search(); }};
  document.getElementById("clear").onclick = function () {{
    document.getElementById("term").value = ""; chart.clear();
    document.getElementById("found").textContent = "";
  }};
  document.getElementById("reset").onclick = function () {{ chart.resetZoom(); }};
}})();
</script>
</body></html>
"""


# Folded stacks past this size are written gzip-compressed (STEM.folded.gz:
# zcat it for FlameGraph or inferno).  DHAT's graphs of a --pyframes run
# reach 130 MB each, whole stacks hundreds of frames deep, which gzip
# makes 1.7 MB.
GZIP_FROM = 8 * 1024 * 1024


def write_folded(outdir, stem, root):
    """STEM.folded (STEM.folded.gz past GZIP_FROM) in outdir: its name."""
    integral(root)
    text = folded(root)
    name = stem + (".folded.gz" if len(text) > GZIP_FROM else ".folded")
    tmp = os.path.join(outdir, name + ".tmp")
    with (gzip.open(tmp, "wt") if name.endswith(".gz") else open(tmp, "w")) as f:
        f.write(text)
    os.replace(tmp, os.path.join(outdir, name))
    return name


def write(outdir, stem, root, title, unit, notes, display_floor=None, with_folded=True):
    """STEM.folded (every frame; STEM.folded.gz past GZIP_FROM) and
    STEM.html (pruned under display_floor, the rest shown as such) in
    outdir; what it wrote."""
    integral(root)
    made = [write_folded(outdir, stem, root)] if with_folded else []
    shown = root
    if display_floor is None:
        display_floor = root.value / 5000.0
    if display_floor > 0:
        shown = prune(root, display_floor)
        notes = notes + ["Frames under {:,} {} (1/5,000 of the total) are folded into "
                         "\"[N smaller frames]\" here; {} has them all.".format(
                             int(math.ceil(display_floor)), unit, made[0] if made else "the profile")]
    with open(os.path.join(outdir, stem + ".html.tmp"), "w") as f:
        f.write(page(shown, title, unit, notes))
    os.replace(os.path.join(outdir, stem + ".html.tmp"), os.path.join(outdir, stem + ".html"))
    return [stem + ".html"] + made
