"""Every file and shell function that scripts/README.md's data-flow
section ("## One run ...") names exists: the files it names by path
(NAME.sh, NAME.py, or a path: post/cgparts, pyembed/tested.txt) under
scripts/, scripts/lib/ or the root; the functions (rw_*) in scripts/lib/.
Built files (build/...), the run's own outputs and folders, and
placeholders (DIR, PID) are not checked."""
import os
import re
import sys

root = sys.argv[1]
text = open(os.path.join(root, "scripts", "README.md"), encoding="utf-8").read()
section = text.split("## One run", 1)[1].split("\n## ", 1)[0]
lib = "".join(open(os.path.join(root, "scripts", "lib", f)).read()
              for f in os.listdir(os.path.join(root, "scripts", "lib")))
missing, checked = [], 0
for tok in re.findall(r"`([^`]+)`", section):
    if re.fullmatch(r"rw_[a-z_]+", tok):
        checked += 1
        if not re.search(r"^" + tok + r"\(\) ", lib, re.M):
            missing.append(tok + " (no such function in scripts/lib/)")
        continue
    if " " in tok or tok.startswith(("build/", "/", "DIR", "-", ".")) or tok.endswith("/"):
        continue
    ext = os.path.splitext(tok)[1]
    # a bare NAME.txt or NAME is one of the run's outputs (callgrind.txt)
    if ext not in ("", ".sh", ".py", ".txt") or ("/" not in tok and ext in ("", ".txt")):
        continue
    checked += 1
    if not any(os.path.exists(os.path.join(root, d, tok)) for d in ("scripts", "scripts/lib", ".")):
        missing.append(tok)
print("{} names checked{}".format(checked, "; missing: " + ", ".join(missing) if missing else ""))
sys.exit(1 if missing or not checked else 0)
