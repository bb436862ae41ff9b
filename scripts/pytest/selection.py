"""The same collection whatever the selection: rangewall pytest's
selection pass.

A measured test's figures follow from the template, the process its own
is forked from, and the template holds what pytest collected: one file
or the whole suite, -k or none, moved a test's count by up to 10 % on
jinja2's suite.  So the counted passes collect what pytest collects with
no selection (the suite: testpaths, or the folder pytest is run in), and
the tests the user chose run, by node id, out of it.

The selection pass runs pytest natively with the user's arguments and
--collect-only; this plugin then writes, as JSON: the node ids chosen
and the arguments with the selection taken out (positional paths,
-k, -m, --deselect, pytest's cache selections, -x and --maxfail, and
pytest-xdist's options), and -n's count.  rangewall pytest checks that the canonical
collection holds every test chosen, and otherwise keeps the user's
arguments (the figures then follow the selection; it says so).
"""

import json

# The options that choose tests, or stop or spread the run, rather than
# define the suite (-p, -c, --rootdir, -o, --ignore... are kept).
SELECTION = frozenset("""
    -k -m --deselect --lf --last-failed --ff --failed-first --nf --new-first
    --lfnf --last-failed-no-failures --sw --stepwise --sw-skip --stepwise-skip
    -x --exitfirst --maxfail --co --collect-only --collectonly
    -n --numprocesses --maxprocesses --dist -d --tx --rsyncdir --rsyncignore
    -f --looponfail
""".split())


def canonical_args(config):
    """The invocation's arguments with the selection taken out, or None
    when there is no telling (--pyargs: the positional words are
    modules)."""
    actions = config._parser._getparser()._option_string_actions
    raw = [str(a) for a in config.invocation_params.args]
    # Without what run.py and the selection pass add around the user's:
    # -p no:benchmark ... --collect-only -q
    if raw[:2] == ["-p", "no:benchmark"]:
        raw = raw[2:]
    if raw[-2:] == ["--collect-only", "-q"]:
        raw = raw[:-2]
    out, i = [], 0
    while i < len(raw):
        word = raw[i]
        i += 1
        if word == "--":
            break                       # positional words only after it
        if not word.startswith("-") or word == "-":
            continue                    # a path or node id: a selection
        name, eq, _ = word.partition("=")
        action = actions.get(name)
        attached = False
        if action is None and not word.startswith("--") and len(word) > 2:
            name = word[:2]             # -kEXPR, -pNAME
            action = actions.get(name)
            attached = action is not None and action.nargs != 0
        words = [word]
        if action is not None and action.nargs != 0 and not eq and not attached and i < len(raw):
            words.append(raw[i])
            i += 1
        if name == "--pyargs":
            return None
        if name in SELECTION or name.startswith("--rangewall-"):
            continue
        out.extend(words)
    return out


class Select:
    """--rangewall-pass=select: what was chosen, and the suite's arguments."""

    def __init__(self, config, path):
        self.config, self.path = config, path

    def pytest_collection_finish(self, session):
        # pytest-xdist's -n N (auto: its count of CPUs), as xdist reads it:
        # the Callgrind passes rangewall runs at once.
        jobs = getattr(self.config.option, "numprocesses", None) or 0
        limit = getattr(self.config.option, "maxprocesses", None)
        with open(self.path, "w", encoding="utf-8") as f:
            json.dump({"nodeids": [item.nodeid for item in session.items],
                       "canonical": canonical_args(self.config),
                       "jobs": min(jobs, limit) if limit else jobs}, f, ensure_ascii=False)
