"""Callgrind's output files ("parts"): read them, sum them up per function.

A Callgrind file is a list of cost lines under position lines: `ob=`
(object), `fl=` (file), `fi=`/`fe=` (an inlined file), `fn=` (function);
`cfi=`/`cfl=`, `cfn=` and `calls=COUNT TARGET` introduce a call, whose
next cost line is the call's inclusive cost.  Names may be compressed:
`fn=(12) name` defines id 12, `fn=(12)` refers to it.

Inclusive costs follow callgrind_annotate --inclusive=yes, so that the
figures match the tool users know: a function is named FILE:FUNCTION
(with an inlined file's name for the lines inlined from it); one that is
called costs what its callers' calls to it cost; one that is never called
(the part's roots) costs its own lines plus the calls it makes.
"""

import re

POSITION = re.compile(r"^(ob|fl|fi|fe|fn|cob|cfi|cfl|cfn)=(.*)$")
COMPRESSED = re.compile(r"^\((\d+)\)(?: (.*))?$")


class Part:
    """One Callgrind file, summed up per function (first event, Ir)."""

    def __init__(self, path):
        self.path = path
        self.header = {}        # desc/cmd/part/totals/summary/events lines
        self.self_cost = {}     # name -> Ir of its own lines
        self.out_calls = {}     # name -> Ir of the calls it makes
        self.in_calls = {}      # name -> Ir of the calls made to it
        self.calls = {}         # (caller, callee) -> [count, Ir]
        self.objects = {}       # name -> object file
        self.total = 0
        self._read()

    def _read(self):
        names = {"ob": {}, "fl": {}, "fn": {}}
        kind = {"ob": "ob", "cob": "ob", "fl": "fl", "fi": "fl", "fe": "fl", "cfi": "fl",
                "cfl": "fl", "fn": "fn", "cfn": "fn"}
        obj = file = fn = name = None
        cfile = cfn = None
        calls = 0
        npos = 1                # position columns before the costs
        with open(self.path, errors="replace") as f:
            for line in f:
                line = line.rstrip("\n")
                if not line or line[0] == "#":
                    continue
                c = line[0]
                if c.isdigit() or c in "+-*" or line.startswith("0x"):
                    words = line.split()
                    cost = int(words[npos]) if len(words) > npos else 0
                    if calls:
                        key = (name, self._cname(cfile, cfn, file))
                        arc = self.calls.setdefault(key, [0, 0])
                        arc[0] += calls
                        arc[1] += cost
                        self.out_calls[name] = self.out_calls.get(name, 0) + cost
                        self.in_calls[key[1]] = self.in_calls.get(key[1], 0) + cost
                        calls = 0
                        cfile = None
                    else:
                        self.self_cost[name] = self.self_cost.get(name, 0) + cost
                    continue
                m = POSITION.match(line)
                if m:
                    k, v = m.group(1), m.group(2)
                    table = names[kind[k]]
                    cm = COMPRESSED.match(v)
                    if cm:
                        if cm.group(2) is not None:
                            table[cm.group(1)] = cm.group(2)
                        v = table.get(cm.group(1), v)
                    if k == "ob":
                        obj = v
                    elif k == "fl":
                        file = v
                    elif k in ("fi", "fe"):
                        file = v
                        name = "{}:{}".format(file, fn)
                        self.objects.setdefault(name, obj)
                    elif k == "fn":
                        fn = v
                        name = "{}:{}".format(file, fn)
                        self.objects.setdefault(name, obj)
                    elif k in ("cfi", "cfl"):
                        cfile = v
                    elif k == "cfn":
                        cfn = v
                    continue
                if line.startswith("calls="):
                    calls = int(line[6:].split()[0]) or 1
                    continue
                key, _, value = line.partition(":")
                if key == "positions":
                    npos = len(value.split())
                if key in ("desc", "cmd", "part", "totals", "summary", "events", "creator",
                           "positions", "version", "pid", "thread"):
                    self.header.setdefault(key, []).append(value.strip())
        totals = self.header.get("totals") or self.header.get("summary") or ["0"]
        self.total = int(totals[0].split()[0])

    @staticmethod
    def _cname(cfile, cfn, file):
        return "{}:{}".format(cfile if cfile is not None else file, cfn)

    def phase(self):
        """The phase this part ends ("exit" for the program's end)."""
        for d in self.header.get("desc", []):
            m = re.match(r"Trigger: Client Request: (\S+)", d)
            if m:
                return m.group(1)
            if d.startswith("Trigger: Program termination"):
                return "exit"
        return "?"

    def number(self):
        return int(self.header.get("part", ["0"])[0])

    def inclusive(self):
        """{name: inclusive Ir}: as callgrind_annotate --inclusive=yes counts
        it (the calls made to a function; a function never called, its own
        lines and the calls it makes), but for functions in a call cycle.
        Summed over a cycle's arcs, an inner call's cost is counted again in
        the outer one's: a recursion through other functions, or the pair
        Callgrind records back to a function whose call was under way as
        counting began (pymain_run_module, called "twice", had twice the
        part's Ir).  Such a function costs the calls made to it from outside
        its cycle (a strongly connected component of the call graph), or,
        entered only from inside it, its dearest call; never more than the
        part."""
        comp = self.cycles()
        outside, dearest = {}, {}
        for (caller, callee), (_, ir) in self.calls.items():
            if caller == callee:
                continue        # a recursion's own call, inside the outer one
            dearest[callee] = max(dearest.get(callee, 0), ir)
            if comp.get(caller) is None or comp.get(caller) != comp.get(callee):
                outside[callee] = outside.get(callee, 0) + ir
        out = {}
        for name in set(self.self_cost) | set(self.out_calls):
            out[name] = self.self_cost.get(name, 0) + self.out_calls.get(name, 0)
        for name in self.in_calls:
            out[name] = outside.get(name) or dearest.get(name) or out.get(name, 0)
        if self.total:
            out = {k: min(v, self.total) for k, v in out.items()}
        return out

    def cycles(self):
        """{name: cycle number} for each function in a call cycle of two or
        more functions (Tarjan's strongly connected components, without
        recursion: a call graph runs thousands deep)."""
        succ = {}
        for caller, callee in self.calls:
            if caller != callee:
                succ.setdefault(caller, []).append(callee)
        index, low, on, stack, comp = {}, {}, set(), [], {}
        n = 0
        for root in list(succ):
            if root in index:
                continue
            work = [(root, 0)]
            while work:
                v, i = work.pop()
                if i == 0:
                    index[v] = low[v] = n
                    n += 1
                    stack.append(v)
                    on.add(v)
                kids = succ.get(v, [])
                if i < len(kids):
                    work.append((v, i + 1))
                    w = kids[i]
                    if w not in index:
                        work.append((w, 0))
                    elif w in on:
                        low[v] = min(low[v], index[w])
                    continue
                if low[v] == index[v]:
                    members = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        members.append(w)
                        if w == v:
                            break
                    if len(members) > 1:
                        for w in members:
                            comp[w] = v
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[v])
        return comp
