"""Memcheck's text log, read: its errors (kind, stack) and its last leak
summary's changes.  rangewall pytest --memcheck reads each test's
process's log with it (scripts/pytest/rangewall_pytest.py).

Memcheck's log is lines "==PID== TEXT"; a blank TEXT ends a block.  An
error is a block whose first line says what happened and whose next lines
are its stack ("   at 0x4848899: malloc (vg_replace_malloc.c:381)", then
"   by ..." outward), maybe followed by a second stack (where the block
was allocated or freed).  With --xml=yes a forked process writes into its
parent's XML file (valgrind 3.19), so the text log, which a forked
process opens afresh (--log-file=NAME.%p), is read here.
"""

import re

LINE = re.compile(r"^==(\d+)== ?(.*)$")
FRAME = re.compile(r"^\s+(at|by) 0x([0-9A-Fa-f]+): (.*?)(?: \((.*)\))?$")
# Memcheck's error kinds (its manual's names, as in its XML output), by the
# first line of their block.
KINDS = [
    (re.compile(r"^Conditional jump or move depends on uninitialised value"), "UninitCondition"),
    (re.compile(r"^Use of uninitialised value of size"), "UninitValue"),
    (re.compile(r"^Invalid read of size"), "InvalidRead"),
    (re.compile(r"^Invalid write of size"), "InvalidWrite"),
    (re.compile(r"^Invalid free\(\)"), "InvalidFree"),
    (re.compile(r"^Mismatched free\(\)"), "MismatchedFree"),
    (re.compile(r"^Syscall param .* uninitialised"), "SyscallParam"),
    (re.compile(r"^Syscall param .* unaddressable"), "SyscallParam"),
    (re.compile(r"^Source and destination overlap"), "Overlap"),
    (re.compile(r"has a fishy \(possibly negative\) value"), "FishyValue"),
    (re.compile(r"^Invalid alignment value"), "InvalidAlignment"),
    (re.compile(r"are definitely lost in loss record"), "Leak_DefinitelyLost"),
    (re.compile(r"are indirectly lost in loss record"), "Leak_IndirectlyLost"),
    (re.compile(r"are possibly lost in loss record"), "Leak_PossiblyLost"),
    (re.compile(r"are still reachable in loss record"), "Leak_StillReachable"),
]
SUMMARY = re.compile(r"^\s*(definitely|indirectly|possibly) lost: ([\d,]+) (?:\(([+-]?[\d,]+)\) )?"
                     r"bytes in ([\d,]+) (?:\(([+-]?[\d,]+)\) )?blocks")


def number(text):
    return int(text.replace(",", "").replace("+", "")) if text else 0


def blocks(text):
    """The log's blocks, each a list of lines without their ==PID== prefix."""
    out, cur = [], []
    for line in text.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        body = m.group(2)
        if body.strip():
            cur.append(body)
        elif cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def frames(lines):
    """The first stack among LINES: [{'fn': ..., 'where': ...}], innermost
    first."""
    out = []
    for line in lines:
        m = FRAME.match(line)
        if m:
            if m.group(1) == "at" and out:
                break       # a second stack: where the block was allocated
            out.append({"fn": m.group(3), "where": m.group(4) or ""})
        elif out:
            break
    return out


def kind_of(first):
    for pattern, kind in KINDS:
        if pattern.search(first):
            return kind
    return "Other"


def python_caller(stack):
    """The innermost Python function on STACK ('py:f (tests/t.py:3)'), or
    None: the one that called into C."""
    for f in stack:
        if f["fn"].startswith("py:"):
            return "{} ({})".format(f["fn"], f["where"]) if f["where"] else f["fn"]
    return None


def read(text):
    """(errors, leaks): errors, each {'kind', 'what', 'stack', 'python'};
    leaks, the last leak summary's changes in bytes and blocks by kind
    ({'definitely': (bytes, blocks), ...}: a leak check with
    VALGRIND_DO_ADDED_LEAK_CHECK prints them as "(+N)"), or {}."""
    errors, leaks = [], {}
    for b in blocks(text):
        if b[0].startswith("LEAK SUMMARY"):
            leaks = {}
            for line in b[1:]:
                m = SUMMARY.match(line)
                if m:
                    leaks[m.group(1)] = (number(m.group(3) if m.group(3) is not None else m.group(2)),
                                         number(m.group(5) if m.group(5) is not None else m.group(4)))
            continue
        stack = frames(b[1:])
        if not stack:
            continue
        errors.append({"kind": kind_of(b[0]), "what": b[0], "stack": stack,
                       "python": python_caller(stack)})
    return errors, leaks


def describe(e):
    """One line for an error: its kind, what Memcheck said, where (the
    top of its stack past Valgrind's own malloc), and its Python caller:
    'UninitCondition: Conditional jump ... at uninit (rwplant.c:34),
    called from py:test_read (tests/test_plant.py:8)'."""
    top = next((f for f in e["stack"] if "vgpreload" not in f["where"]), None) or \
        (e["stack"][0] if e["stack"] else {"fn": "?", "where": ""})
    what = re.sub(r" in loss record [\d,]+ of [\d,]+$", "", e["what"])
    return "{}: {} at {}{}{}".format(
        e["kind"], what, top["fn"], " ({})".format(top["where"]) if top["where"] else "",
        ", called from " + e["python"] if e.get("python") else "")
