"""Massif's output read: its snapshots, their heap trees, and the bytes each
Python function holds in one (with the runner's --pyframes)."""

import re

NODE = re.compile(r"^( *)n(\d+): (\d+) (.*)$")
BELOW = re.compile(r"^in \d+ places?, (?:all )?below (?:massif's )?threshold")


class Snapshot:
    """One snapshot: time, heap (useful bytes), extra, stacks, kind ('empty', 'detailed' or
    'peak') and, unless empty, its tree: (bytes, label, [children])."""

    def __init__(self):
        self.time = self.heap = self.extra = self.stacks = 0
        self.kind = "empty"
        self.tree = None


def read(path):
    """Every snapshot of a Massif output file (massif.out, or the one-snapshot
    files the runner's phases leave), in order."""
    snaps, cur, stack = [], None, []
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("snapshot="):
                cur = Snapshot()
                snaps.append(cur)
                stack = []
                continue
            if cur is None:
                continue
            m = NODE.match(line)
            if m:
                depth = len(m.group(1))
                node = (int(m.group(3)), m.group(4), [])
                del stack[depth:]
                if stack:
                    stack[-1][2].append(node)
                else:
                    cur.tree = node
                stack.append(node)
                continue
            k, eq, v = line.partition("=")
            if eq and k == "time":
                cur.time = int(v)
            elif eq and k == "mem_heap_B":
                cur.heap = int(v)
            elif eq and k == "mem_heap_extra_B":
                cur.extra = int(v)
            elif eq and k == "mem_stacks_B":
                cur.stacks = int(v)
            elif eq and k == "heap_tree":
                cur.kind = v
    return snaps


def python_bytes(tree):
    """{py:NAME (FILE:LINE): bytes} in a heap tree: the bytes allocated with
    the function on the stack (once, however deep it recurses).  Branches
    under Massif's threshold are folded into one node and do not count."""
    total = {}

    def walk(node, seen):
        label = node[1].split(": ", 1)[1] if re.match(r"0x[0-9A-Fa-f]+: ", node[1]) else node[1]
        if label.startswith("py:") and label not in seen:
            total[label] = total.get(label, 0) + node[0]
            seen = seen | {label}
        for child in node[2]:
            walk(child, seen)

    if tree is not None:
        walk(tree, frozenset())
    return total


def unplaced(tree):
    """The bytes of a heap tree that Massif folded under its threshold
    before any Python function on their stack was known: they belong to
    Python functions no one can name from this snapshot, so each figure
    python_bytes gives is a lower bound."""
    def walk(node, python_seen):
        label = node[1].split(": ", 1)[1] if re.match(r"0x[0-9A-Fa-f]+: ", node[1]) else node[1]
        if BELOW.match(label):
            return 0 if python_seen else node[0]
        python_seen = python_seen or label.startswith("py:")
        return sum(walk(child, python_seen) for child in node[2])

    return walk(tree, False) if tree is not None else 0
