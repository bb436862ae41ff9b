"""Every plot the suite draws, in one style, with gnuplot.

The drivers call these through scripts/post/plot after a run (massif.png,
timeline.png, the sweep's PNGs stay where users expect them); the report
calls them for its own charts.  Each reads the TSV/CSV files a driver
wrote beside the plot, never the tools.  Axes in bytes are in MiB
(2^20 B, ms_print's "MB"), labelled so.
"""

import os
import subprocess

from . import fmt

MIB = fmt.MIB
COLORS = ["#4477aa", "#ee6677", "#228833", "#ccbb44", "#66ccee", "#aa3377", "#bbbbbb"]


class PlotError(Exception):
    pass


def style(out, width=1000, height=560):
    """The preamble every plot shares: PNG, sans 10, grid, no enhanced text
    (so that py-range@3.11 keeps its @ and its underscores)."""
    return "\n".join([
        'set terminal pngcairo size {},{} font "sans,10" noenhanced'.format(width, height),
        'set output "{}"'.format(out + ".tmp"),
        "set grid",
        'set datafile separator "\\t"',
        "set key noenhanced",
        "",
    ])


def gnuplot(script, out):
    """Run gnuplot on `script` (which writes OUT.tmp), then rename to OUT."""
    exe = os.environ.get("GNUPLOT") or "gnuplot"
    try:
        r = subprocess.run([exe], input=script, universal_newlines=True,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as e:
        raise PlotError("cannot run {}: {}".format(exe, e))
    if r.returncode != 0 or not os.path.isfile(out + ".tmp"):
        raise PlotError("gnuplot failed on {}: {}".format(out, r.stderr.strip()[-400:]))
    os.rename(out + ".tmp", out)


def q(s):
    """A gnuplot string literal."""
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def read_tsv(path):
    with open(path) as f:
        lines = f.read().splitlines()
    head = lines[0].split("\t")
    return [dict(zip(head, x.split("\t"))) for x in lines[1:] if x]


def read_context(d):
    ctx = {"command": []}
    p = os.path.join(d, "context")
    if os.path.isfile(p):
        with open(p) as f:
            for line in f:
                k, _, v = line.rstrip("\n").partition(": ")
                if k == "command":
                    ctx["command"].append(v)
                else:
                    ctx.setdefault(k, v)
    return ctx


def staggered_labels(marks, xmin, xmax, levels=4, gap=0.07):
    """[(x, text, level)]: a label moves down a level while it would overlap
    the one before it at that level (closer than `gap` of the x range)."""
    span = float(xmax - xmin) or 1.0
    last = [None] * levels
    out = []
    for x, text in sorted(marks):
        for lv in range(levels):
            if last[lv] is None or (x - last[lv]) / span >= gap:
                break
        else:
            lv = min(range(levels), key=lambda i: last[i])
        last[lv] = x
        out.append((x, text, lv))
    return out


# --- the drivers' plots -----------------------------------------------------------
def massif(d):
    """massif.png: useful heap (and extra heap, and stacks where profiled)
    over time, phase ends marked, from massif.tsv and phases.tsv."""
    ctx = read_context(d)
    snaps = read_tsv(os.path.join(d, "massif.tsv"))
    phases = read_tsv(os.path.join(d, "phases.tsv")) if os.path.isfile(
        os.path.join(d, "phases.tsv")) else []
    stacks = any("--stacks=yes" in c for c in ctx["command"])
    out = os.path.join(d, "massif.png")
    top = max([int(r["useful_heap_B"]) + int(r["extra_heap_B"]) + int(r["stacks_B"])
               for r in snaps] + [int(r["useful_heap_B"]) for r in phases] + [1]) / MIB
    xmax = max([int(r["time_B"]) for r in snaps] + [int(r["time_B"]) for r in phases] + [1]) / MIB
    n = ctx.get("n", "?")
    lines = [style(out),
             "set title {}".format(q("Massif: {} (n={}), heap over time".format(
                 ctx.get("benchmark", os.path.basename(os.path.dirname(d))),
                 fmt.group(int(n)) if n.isdigit() else n))),
             'set xlabel "time: MiB allocated and freed so far (Massif --time-unit=B)"',
             'set ylabel "memory (MiB)"',
             "set key outside bottom center horizontal",
             "set xrange [0:{}]".format(xmax * 1.02 or 1),
             "set yrange [0:{}]".format(top * 1.25 or 1)]
    for x, text, lv in staggered_labels([(int(r["time_B"]) / MIB, "end of " + r["phase"])
                                         for r in phases], 0, xmax):
        lines.append("set arrow from {x},graph 0 to {x},graph 1 nohead dt 2 lc rgb 'gray50'".format(x=x))
        # Near the right edge a label reads leftwards from its line.
        side = "right offset -0.3,0" if x > 0.75 * xmax else "left offset 0.3,0"
        lines.append("set label {} at {},graph {} {} font ',8' tc rgb 'gray30'".format(
            q(text), x, 0.97 - 0.045 * lv, side))
    data = q(os.path.join(d, "massif.tsv"))
    plots = ["{} skip 1 using ($2/{m}):($3/{m}) with steps lw 2 lc rgb '{c}' title 'useful heap'".format(
        data, m=MIB, c=COLORS[0]),
        "'' skip 1 using ($2/{m}):(($3+$4)/{m}) with steps lc rgb '{c}' title '+ extra heap (allocator overhead)'".format(
            m=MIB, c=COLORS[1])]
    if stacks:
        plots.append("'' skip 1 using ($2/{m}):(($3+$4+$5)/{m}) with steps dt 3 lc rgb '{c}' "
                     "title '+ stacks'".format(m=MIB, c=COLORS[2]))
    lines.append("plot " + ", \\\n     ".join(plots))
    gnuplot("\n".join(lines) + "\n", out)
    return out


def timeline(d):
    """timeline.png: each malloc's size and the live heap over time, from
    timeline.tsv (ltrace -ttt)."""
    ctx = read_context(d)
    out = os.path.join(d, "timeline.png")
    data = q(os.path.join(d, "timeline.tsv"))
    n = ctx.get("n", "?")
    script = style(out, 1000, 700) + """
set multiplot layout 2,1 title {title}
set xlabel "time since the first call (ms, slowed by ltrace)"
set ylabel "block size (bytes, log)"
set logscale y
plot {data} skip 1 using 1:(strcol(2) eq "free" ? NaN : $3) with points pt 7 ps 0.4 lc rgb '{c0}' title "malloc / calloc / realloc: size asked"
unset logscale y
set ylabel "live heap (MiB)"
plot {data} skip 1 using 1:($4/{m}) with steps lw 2 lc rgb '{c1}' title "live heap (bytes allocated and not freed)"
unset multiplot
""".format(title=q("ltrace timeline: {} (n={})".format(
        ctx.get("benchmark", "?"), fmt.group(int(n)) if n.isdigit() else n)),
        data=data, m=MIB, c0=COLORS[0], c1=COLORS[1])
    gnuplot(script, out)
    return out


def sweep(d):
    """latency.png (each write's time, one panel a series) and stalls.png
    (stalls, the joins expected, and the longest write against chunk size),
    from the sweep's CSV files and series.tsv (series, label, accumulator)."""
    series = read_tsv(os.path.join(d, "series.tsv"))
    ctx = read_context(d)
    writes, chunk = int(ctx.get("writes", 0)), int(ctx.get("chunk", 0))
    out = os.path.join(d, "latency.png")
    k = len(series)
    # One y range and one plot width for every panel, so that their
    # stalls compare by eye: the slowest write of any series on top.
    top = 1.0
    for s in series:
        with open(os.path.join(d, "latency-{}.csv".format(s["series"]))) as f:
            next(f, None)
            for line in f:
                top = max(top, float(line.partition(",")[2] or 0) / 1000)
    lines = [style(out, 1150, 190 * k + 90).replace('separator "\\t"', 'separator ","'),
             "set multiplot layout {},1 title {}".format(k, q(
                 "StringIO.write: each write's wall time, {} writes of {} B (a stall: over 2 ms "
                 "and 100x the median)".format(group(writes), group(chunk)))),
             'set logscale y; set format y "%g"; set yrange [0.01:{}]'.format(top * 3),
             "set lmargin at screen 0.07; set rmargin at screen 0.68",
             'set ylabel "latency (us, log)"; set xlabel "write number"',
             "set key at screen 0.70, graph 1 left top vertical Left reverse"]
    for s in series:
        lines.append("plot {} skip 1 using 1:($2/1000) with dots lc rgb '{}' title {}, \\".format(
            q(os.path.join(d, "latency-{}.csv".format(s["series"]))), COLORS[0], q(s["label"])))
        lines.append("  {} skip 1 using 1:($2/1000) with points pt 7 ps 1.0 lc rgb 'red' "
                     "title 'stalls'".format(q(os.path.join(d, "slow-latency-{}.csv".format(s["series"])))))
    lines.append("unset multiplot")
    gnuplot("\n".join(lines) + "\n", out)

    out2 = os.path.join(d, "stalls.png")
    stalls = q(os.path.join(d, "stalls.csv"))
    lines = [style(out2, 1150, 520).replace('separator "\\t"', 'separator ","'),
             "set multiplot layout 1,2 title {}".format(q(
                 "Stalls against chunk size: the same {} B, or 300,000 writes (three joins) "
                 "where that would reach none".format(group(writes * chunk)))),
             'set logscale x; set xlabel "chunk size (bytes, log)"',
             'set ylabel "stalls: writes over 2 ms and 100x the median"',
             "set key outside bottom center horizontal maxrows 3",
             "set offsets graph 0.1, graph 0.1, graph 0.1, graph 0.05", "set yrange [0:*]"]
    p, joins_titled = [], False
    for i, s in enumerate(series):
        # Series that coincide (3.11 and c-accu) stay visible: each its
        # own point shape, size and dash.
        c, sel = COLORS[i % len(COLORS)], 'strcol(1) eq {}'.format(q(s["series"]))
        p.append("{} skip 1 using 2:({} && strcol(8) eq 'yes' ? $4 : NaN) with linespoints pt {} "
                 "ps {} dt {} lw 2 lc rgb '{}' title {}".format(
                     stalls, sel, (7, 5, 9, 11, 13)[i % 5], max(0.7, 1.9 - 0.4 * i), i % 4 + 1, c, q(s["label"])))
        if s.get("accumulator") == "yes":
            p.append("{} skip 1 using 2:({} ? $5 : NaN) with points pt 6 ps 2.6 lc rgb 'black' "
                     "{}".format(stalls, sel, "notitle" if joins_titled else
                                 "title 'joins expected (writes / 100,000)'"))
            joins_titled = True
    p.append("{} skip 1 using 2:(strcol(8) eq 'no' ? 0 : NaN) with points pt 8 ps 2 lc rgb 'black' "
             "title 'no join reached (memory): no count'".format(stalls))
    lines.append("plot " + ", \\\n     ".join(p))
    lines += ['set ylabel "longest write (ms, log)"', "set logscale y", "set yrange [*:*]",
              "set key outside bottom center horizontal maxrows 3"]
    p = []
    for i, s in enumerate(series):
        p.append("{} skip 1 using 2:(strcol(1) eq {} && $6 > 0 ? $6 : NaN) with linespoints pt 7 "
                 "lc rgb '{}' title {}".format(stalls, q(s["series"]), COLORS[i % len(COLORS)],
                                              q(s["label"])))
    lines.append("plot " + ", \\\n     ".join(p))
    lines.append("unset multiplot")
    gnuplot("\n".join(lines) + "\n", out2)
    return out, out2


def group(v):
    return fmt.group(v)


# --- the report's charts ------------------------------------------------------------
def bars(out, rows, title, ylabel, xlabel, log=False, label_fmt="%.1f", color=0, height=520):
    """A bar chart of [(label, value)] with each value printed on its bar;
    its data beside it as OUT.tsv."""
    data = out[:-4] + ".tsv"
    with open(data, "w") as f:
        f.write("label\tvalue\n")
        for label, v in rows:
            f.write("{}\t{:.6g}\n".format(label, v))
    script = style(out, max(900, 70 * len(rows) + 200), height) + """
set title {title}
set ylabel {ylabel}
set xlabel {xlabel}
set style fill solid 0.8 border -1
set boxwidth 0.7
unset grid
set grid ytics
set xtics rotate by -35 left
set bmargin 7
set rmargin 8
set xrange [-0.7:{xmax}]
{log}
set yrange [{ymin}:*]
set key off
plot {data} skip 1 using 0:2:xtic(1) with boxes lc rgb '{c}', \\
     '' skip 1 using 0:2:(sprintf("{lf}", $2)) with labels offset 0,0.7 font ",8"
""".format(title=q(title), ylabel=q(ylabel), xlabel=q(xlabel), data=q(data), xmax=len(rows) - 0.3,
           log="set logscale y" if log else "unset logscale y", ymin="0.5" if log else "0",
           c=COLORS[color], lf=label_fmt)
    gnuplot(script, out)
    return out


def changes(out, rows, title, most=40):
    """make compare's chart: the per-phase change of B against A in percent,
    bars up (grew) or down (shrank) from a zero line; at most `most` bars,
    the largest changes, in their original order; the data as OUT.tsv."""
    if len(rows) > most:
        keep = set(sorted(range(len(rows)), key=lambda i: -abs(rows[i][1] - 1))[:most])
        title += " (the {} largest changes of {})".format(most, len(rows))
        rows = [r for i, r in enumerate(rows) if i in keep]
    data = out[:-4] + ".tsv"
    with open(data, "w") as f:
        f.write("label\tchange_pct\n")
        for label, ratio in rows:
            f.write("{}\t{:.6g}\n".format(label, (ratio - 1) * 100))
    script = style(out, max(900, 60 * len(rows) + 250), 560) + """
set title {title}
set ylabel "B against A (%)"
set style fill solid 0.8 border -1
set boxwidth 0.7
unset grid
set grid ytics
set xtics rotate by -35 left font ",8"
set bmargin 12
set rmargin 18
set xrange [-0.7:{xmax}]
set key off
set xzeroaxis lt -1 lw 1.5
plot {data} skip 1 using 0:2:($2 > 0 ? 2 : 1):xtic(1) with boxes lc variable, \\
     '' skip 1 using 0:($2 >= 0 ? $2 : 1/0):(sprintf("%+.2f %%", $2)) with labels offset 0,0.7 font ",8", \\
     '' skip 1 using 0:($2 < 0 ? $2 : 1/0):(sprintf("%+.2f %%", $2)) with labels offset 0,-0.7 font ",8"
""".format(title=q(title), data=q(data), xmax=len(rows) - 0.3)
    # lc variable: line type 1 (blue) shrank or equal, 2 (red) grew.
    gnuplot("set linetype 1 lc rgb '{}'\nset linetype 2 lc rgb '{}'\n".format(COLORS[0], COLORS[1]) + script, out)
    return out
