"""csv_index.py - a small program of the kind people profile: make a CSV of
orders, parse it, index the orders by customer, serialise the index as JSON.

    python3 csv_index.py [--rows N] [--strip] [--out FILE]
    rangewall callgrind --pyframes csv_index.py --rows 20000
    rangewall massif --pyframes csv_index.py --rows 20000

It runs the same under python3 and under rangewall; there, vg.phase()
splits it into phases (one Callgrind part, one Massif snapshot each), and
--pyframes names its functions in every profile: py:parse,
py:build_index, ...  The data are made up, the same on every run.
--strip strips each field as it parses: the "small change" of the
tutorial's regression caught by `rangewall compare`.
"""
import argparse
import json
import sys

try:
    import vg  # rangewall's runner: phases
except ImportError:  # plain python: one phase, nothing to mark
    vg = None


def phase(name):
    if vg is not None:
        vg.phase(name)


def make_csv(rows):
    """The CSV's text: a header, then `rows` orders."""
    lines = ["order,customer,item,quantity,price"]
    for i in range(rows):
        customer = "c%04d" % (i * 7919 % 1000)
        item = "item-%d" % (i * 104729 % 250)
        lines.append("%d,%s,%s,%d,%.2f" % (i, customer, item, 1 + i % 7, (i % 1000) / 8.0))
    return "\n".join(lines) + "\n"


def parse_line(header, line, strip=False):
    fields = line.split(",")
    if strip:
        fields = [field.strip() for field in fields]
    return dict(zip(header, fields))


def parse(text, strip=False):
    """A list of dicts, one an order."""
    lines = text.splitlines()
    header = lines[0].split(",")
    return [parse_line(header, line, strip) for line in lines[1:]]


def build_index(orders):
    """customer -> {"orders": [...], "total": spent}."""
    index = {}
    for o in orders:
        entry = index.setdefault(o["customer"], {"orders": [], "total": 0.0})
        entry["orders"].append(int(o["order"]))
        entry["total"] += int(o["quantity"]) * float(o["price"])
    return index


def serialise(index):
    return json.dumps(index, sort_keys=True)


def main(argv):
    ap = argparse.ArgumentParser(description="Index a CSV of orders by customer.")
    ap.add_argument("--rows", type=int, default=20000, help="orders to make (default 20,000)")
    ap.add_argument("--strip", action="store_true", help="strip the spaces around each field")
    ap.add_argument("--out", help="write the JSON here (default: print its size)")
    a = ap.parse_args(argv)
    if a.rows < 1:
        ap.error("--rows must be 1 or more, got %d" % a.rows)
    phase("make")
    text = make_csv(a.rows)
    phase("parse")
    orders = parse(text, a.strip)
    phase("index")
    index = build_index(orders)
    phase("serialise")
    out = serialise(index)
    if a.out:
        with open(a.out, "w") as f:
            f.write(out)
    print("%d orders, %d customers, %d bytes of JSON" % (len(orders), len(index), len(out)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
