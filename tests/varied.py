# varied.py - a snippet for Memcheck: classes, json, bytearray resizes, StringIO.
import json, io, sys
class P(object):
    def __init__(self, i): self.i = i; self.s = str(i) * 3
objs = [P(i) for i in range(2000)]
d = json.loads(json.dumps({"a": [o.s for o in objs], "b": list(range(500))}))
b = bytearray()
for i in range(3000):
    b += bytes(i % 7)
    if i % 500 == 0: b = b[:10]
s = io.StringIO()
for i in range(3000): s.write("x" * (i % 50))
v = s.getvalue()
t = tuple(objs); del objs, t
print(len(d["a"]), len(b), len(v))
