"""against.py REF.tsv FOLDED N PART: the N functions whose file's path
holds PART (the program's package, "/docutils/") holding the most bytes
in the reference (tests/real/peakref.py), each against the inclusive
bytes a flame graph's folded stacks give it.  FOLDED: a Python view's
folded stacks, uncompressed (the names are the reference's, py:...).
Prints "within 5 %: K of M" (M: N, or fewer if the reference holds
fewer); exit 1 if one of them is more than 5 % away from the reference,
or none was found."""

import sys


def inclusive(path):
    out = {}
    with open(path) as f:
        for line in f:
            stack, _, n = line.rstrip("\n").rpartition(" ")
            for frame in set(stack.split(";")):
                out[frame] = out.get(frame, 0) + int(n)
    return out


def main(ref_path, folded, n, part):
    ref = {}
    with open(ref_path) as f:
        for line in f:
            if line.startswith("#"):
                print(line.strip().lstrip("#"))
                continue
            k, v = line.rstrip("\n").split("\t")
            ref[k] = int(v)
    ours = inclusive(folded)
    top = [k for k in sorted(ref, key=lambda k: -ref[k]) if part in k][:n]
    ok = 0
    for k in top:
        d = (ours.get(k, 0) - ref[k]) / ref[k] * 100
        ok += abs(d) <= 5
        print("{:>12,} {:>12,} {:+6.2f} %  {}".format(ref[k], ours.get(k, 0), d, k))
    print("within 5 %: {} of {}".format(ok, len(top)))
    return 0 if top and ok == len(top) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]))
