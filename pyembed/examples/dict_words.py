# dict_words.py - an example of your own snippet: a dict of N short strings.
#
# Run it with any tool, on any Python found, like the suite's benchmarks:
#   make massif BENCH=py-snippet@release SNIPPET=pyembed/examples/dict_words.py N=100000
# N arrives as sys.argv[1].  vg.phase() ends the phase before it and names
# the next: one Callgrind part and one Massif snapshot per phase.
import sys
import vg

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000000

vg.phase("words")
words = ["w%d" % i for i in range(n)]

vg.phase("dict")
d = dict.fromkeys(words, 0)

vg.phase("drop")
del d, words
