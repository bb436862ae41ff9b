"""rw - rangewall's Python side: reading results, the seed figures, plots.

Used by scripts/post/report.py (REPORT.md, BENCH.md) and scripts/post/plot (the
drivers' plots).  Standard library only, Python 3.5+; nothing here runs a
profiled program or an interpreter: it reads what the drivers wrote.
"""
