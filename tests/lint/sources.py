"""Each script that sources scripts/lib/ sources exactly the files whose
functions it calls, directly or through the functions it calls."""
import os, re, sys
root = sys.argv[1]
lib = os.path.join(root, "scripts", "lib")
ORDER = ["base", "table", "args", "command", "run", "context", "loop"]


def code(text):
    """TEXT without comments (a '#' that starts a word, outside quotes: near enough here)."""
    return "\n".join(re.sub(r"(^|\s)#.*$", "", line) for line in text.splitlines())


owner, body = {}, {}
for name in ORDER:
    lines = open(os.path.join(lib, name + ".sh")).read().splitlines()
    fn = None
    for line in lines:
        m = re.match(r"^([a-z_]+)\(\) \{(.*)$", line)
        if fn is None and m:
            fn = m.group(1)
            owner[fn] = name
            body[fn] = [m.group(2)]
            if line.rstrip().endswith("}") and m.group(2).strip():
                fn = None       # one line
            continue
        if fn is not None:
            if line == "}":
                fn = None
            else:
                body[fn].append(line)
body = {f: code("\n".join(b)) for f, b in body.items()}
word = {f: re.compile(r"(?<![\w-])" + f + r"(?![\w-])") for f in owner}


def calls(text):
    return {f for f in owner if word[f].search(text)}


bad = []
for d, _, files in os.walk(os.path.join(root, "scripts")):
    for f in files:
        p = os.path.join(d, f)
        if os.sep + "lib" + os.sep in p or not os.access(p, os.X_OK):
            continue
        text = open(p, errors="replace").read()
        sourced = re.findall(r'^\s*\. "\$\{0%/\*\}/(?:\.\./)?lib/([a-z]+)\.sh"', text, re.M)
        if not sourced:
            continue
        called = calls(code(text))
        todo = list(called)
        while todo:
            for g in calls(body[todo.pop()]):
                if g not in called:
                    called.add(g)
                    todo.append(g)
        needed = {owner[g] for g in called} | {"base"}      # base: the folders and messages
        rel = os.path.relpath(p, root)
        if set(sourced) != needed:
            bad.append("{}: sources {}, calls functions of {}".format(
                rel, " ".join(sourced), " ".join(n for n in ORDER if n in needed)))
        elif sourced != [n for n in ORDER if n in needed]:
            bad.append("{}: sources {}, not in lib/base.sh's order".format(rel, " ".join(sourced)))
print("\n".join(bad))
sys.exit(1 if bad else 0)
