"""debsrc.py - deb-src lines for the Debian archive this machine's apt uses.

USAGE: python3 debsrc.py [SOURCES-FOLDER]

The system's apt sources (SOURCES-FOLDER, default /etc/apt: sources.list
and sources.list.d/*.list in the one-line format, sources.list.d/*.sources
in the deb822 one) hold `deb` entries only, and `apt-get source` needs
`deb-src`.  Prints, for each `deb` entry of Debian's own archive (a host
ending in debian.org), the `deb-src` line with the same archive, suites
and components, for a private apt configuration
(-o Dir::Etc::SourceList=FILE); the system's stays untouched.  Exits 1
if there is none.
"""
import glob
import os
import sys
from urllib.parse import urlparse


def one_line(path):
    """(uri, suite, components) of each 'deb' line of a .list file."""
    with open(path, errors="replace") as f:
        for line in f:
            words = line.split("#")[0].split()
            if len(words) >= 3 and words[0] == "deb":
                if words[1].startswith("["):       # deb [options] uri suite ...
                    while words and not words[1].endswith("]"):
                        del words[1]
                    del words[1]
                yield words[1], words[2], words[3:]


def deb822(path):
    """The same, from a .sources file's stanzas with Types: deb."""
    with open(path, errors="replace") as f:
        stanzas = f.read().split("\n\n")
    for stanza in stanzas:
        fields = {}
        for line in stanza.splitlines():
            if line.startswith("#") or ":" not in line or line[:1].isspace():
                continue
            key, _, value = line.partition(":")
            fields[key.strip().lower()] = value.split()
        if "deb" not in fields.get("types", []):
            continue
        for uri in fields.get("uris", []):
            for suite in fields.get("suites", []):
                yield uri, suite, fields.get("components", [])


def main(argv):
    root = argv[1] if len(argv) > 1 else "/etc/apt"
    entries = []
    for path in [os.path.join(root, "sources.list")] + sorted(glob.glob(os.path.join(root, "sources.list.d", "*.list"))):
        if os.path.isfile(path):
            entries += one_line(path)
    for path in sorted(glob.glob(os.path.join(root, "sources.list.d", "*.sources"))):
        entries += deb822(path)
    seen = set()
    for uri, suite, components in entries:
        host = urlparse(uri).hostname or ""
        line = "deb-src {} {} {}".format(uri, suite, " ".join(components)).rstrip()
        if host.endswith("debian.org") and line not in seen:
            seen.add(line)
            print(line)
    return 0 if seen else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
