"""Number formatting, one convention for every file the suite writes.

Bytes are given exactly, grouped (322,845,912 B); where a figure is set
beside ms_print's or the seed's megabytes it is also given in MiB
(2^20 bytes), labelled "MiB" -- ms_print's "MB" are MiB.
"""

MIB = 1024.0 * 1024.0


def group(v, nd=0):
    """12345678 -> '12,345,678'; nd decimals."""
    return "{:,.{}f}".format(v, nd)


def sig(v):
    """A ratio or a small figure with three significant digits."""
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return group(v)
    if abs(v) >= 10:
        return "{:.1f}".format(v)
    return "{:.3g}".format(v)


def mib(b):
    """322845912 -> '307.89 MiB'."""
    return "{:.2f} MiB".format(b / MIB)


def nbytes(b):
    """322845912 -> '322,845,912 B (307.89 MiB)'."""
    return "{} B ({})".format(group(b), mib(b))


def scaled(k, what):
    """' → ×10: what' when a figure was measured at a tenth of the seed's n."""
    return "" if k == 1 else " → ×{:g}: {}".format(k, what)
