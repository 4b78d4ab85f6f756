#!/usr/bin/env python3
"""results.md and ratios.svg from a benchmark results folder (run.sh calls it at the end).

    report.py RESULTS_DIR

Reads RESULTS_DIR/results.tsv, one line per scenario and target, tab-separated:
    scenario metric better(higher|lower) target value p50 p99 p999 cpu_us_per_op errors note
("-" where a figure does not apply) and RESULTS_DIR/meta.txt (free text: versions, load).
Writes RESULTS_DIR/results.md (a summary table with the ratios, then every row) and
RESULTS_DIR/ratios.svg (hand-written SVG: Sluice against the best of nginx and HAProxy per
scenario, its CPU per operation against the lowest of theirs, and cold against warm).
Python 3 standard library only.
"""
import os
import sys
from html import escape

ANCHORS = ("nginx", "haproxy")
TARGET_ORDER = ("direct", "nginx", "haproxy", "sluice", "undertow", "base")
# Targets with columns of their own only when a run measured them: Undertow's own ProxyHandler
# (the HTTP rows' floor) and the A/B build.
EXTRAS = (("undertow", "Undertow ProxyHandler"), ("base", "base"))


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def fmt(v):
    if v is None:
        return "-"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.2f}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def load(folder):
    scenarios = {}  # name -> {"metric", "better", "rows": {target: dict}}
    with open(os.path.join(folder, "results.tsv"), encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 10:
                continue
            parts += [""] * (11 - len(parts))
            name, metric, better, target, value, p50, p99, p999, cpu, errors, note = parts[:11]
            s = scenarios.setdefault(name, {"metric": metric, "better": better, "rows": {}})
            s["rows"][target] = {"value": num(value), "p50": num(p50), "p99": num(p99), "p999": num(p999),
                                 "cpu": num(cpu), "errors": errors, "note": note}
    return scenarios


def analyse(s):
    rows, higher = s["rows"], s["better"] == "higher"
    value = lambda t: rows.get(t, {}).get("value")
    anchors = [(t, value(t)) for t in ANCHORS if value(t) is not None]
    best = (max if higher else min)(anchors, key=lambda a: a[1]) if anchors else None
    sluice = value("sluice")
    cpu_anchors = [(t, rows[t]["cpu"]) for t in ANCHORS if t in rows and rows[t]["cpu"] is not None]
    cpu_best = min(cpu_anchors, key=lambda a: a[1]) if cpu_anchors else None
    sluice_cpu = rows.get("sluice", {}).get("cpu")
    a = {
        "best": best,
        "vs_best": ratio(sluice, best[1]) if best else None,
        "vs_direct": ratio(sluice, value("direct")),
        "base_vs_best": ratio(value("base"), best[1]) if best else None,
        "cpu_best": cpu_best,
        "cpu_vs_best": ratio(sluice_cpu, cpu_best[1]) if cpu_best else None,
        "base_cpu_vs_best": ratio(rows.get("base", {}).get("cpu"), cpu_best[1]) if cpu_best else None,
    }
    # "Sluice better" direction for the chart: > 1 is better for Sluice in every bar.
    a["score"] = (a["vs_best"] if higher else ratio(best[1], sluice)) if best and sluice else None
    a["base_score"] = None
    if best and value("base"):
        a["base_score"] = a["base_vs_best"] if higher else ratio(best[1], value("base"))
    return a


def markdown(folder, scenarios):
    meta_path = os.path.join(folder, "meta.txt")
    meta = open(meta_path, encoding="utf-8").read().strip() if os.path.exists(meta_path) else ""
    extras = [(t, label) for t, label in EXTRAS if any(t in s["rows"] for s in scenarios.values())]
    out = ["# Sluice benchmark results", ""]
    if meta:
        out += ["```", meta, "```", ""]
    out += ["Ratios: **Sluice ÷ best anchor** is Sluice's figure over the best of nginx and HAProxy "
            "(the higher one for req/s, msg/s, MiB/s; the lower one for latency and memory), so read it "
            "in the metric's direction (the *better* column). **CPU ÷ best** is Sluice's CPU per "
            "operation over the lower of nginx's and HAProxy's (below 1: Sluice used less). "
            "The chart is `ratios.svg`; raw wrk and client outputs are in `raw/`.", ""]
    head = ["scenario", "metric", "better", "direct", "nginx", "HAProxy", "Sluice"]
    head += [label for _, label in extras]
    head += ["Sluice ÷ best anchor", "Sluice ÷ direct"]
    head += [f"Sluice ÷ {label}" for _, label in extras]
    head += ["CPU µs/op nginx", "HAProxy", "Sluice"]
    head += [label for _, label in extras]
    head += ["CPU ÷ best", "errors"]
    out += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, s in scenarios.items():
        rows, a = s["rows"], analyse(s)
        v = lambda t: fmt(rows[t]["value"]) if t in rows else "-"
        c = lambda t: fmt(rows[t]["cpu"]) if t in rows else "-"
        best = f"{fmt(a['vs_best'])} (vs {a['best'][0]})" if a["vs_best"] is not None else "-"
        cells = [name, s["metric"], s["better"], v("direct"), v("nginx"), v("haproxy"), v("sluice")]
        cells += [v(t) for t, _ in extras]
        cells += [best, fmt(a["vs_direct"])]
        cells += [fmt(ratio(rows.get("sluice", {}).get("value"), rows.get(t, {}).get("value"))) for t, _ in extras]
        cells += [c("nginx"), c("haproxy"), c("sluice")]
        cells += [c(t) for t, _ in extras]
        cells += [fmt(a["cpu_vs_best"]), ", ".join(f"{t} {r['errors']}" for t, r in rows.items()
                                                     if r["errors"] not in ("", "0", "-")) or "0"]
        out.append("| " + " | ".join(cells) + " |")
    out += ["", "## Every row", "",
            "| scenario | target | value | p50 | p99 | p99.9 | CPU µs/op | errors | note |",
            "|---|---|---|---|---|---|---|---|---|"]
    for name, s in scenarios.items():
        for t in sorted(s["rows"], key=lambda t: TARGET_ORDER.index(t) if t in TARGET_ORDER else 99):
            r = s["rows"][t]
            out.append(f"| {name} | {t} | {fmt(r['value'])} {s['metric']} | {fmt(r['p50'])} | {fmt(r['p99'])} | "
                       f"{fmt(r['p999'])} | {fmt(r['cpu'])} | {r['errors'] or '-'} | {r['note'] or ''} |")
    out.append("")
    with open(os.path.join(folder, "results.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(out))


def bar_chart(y, title, subtitle, bars, better_above_one):
    """bars: [(label, value, series, detail)]; returns (svg parts, height used)."""
    left, width, row = 330, 430, 22
    values = [b[1] for b in bars if b[1] is not None]
    # At most 5 on the axis, so 1.0 stays readable; a longer bar is cut and ends in an arrow.
    top = min(5.0, max([2.0] + [v * 1.1 for v in values]))
    step = 0.5 if top <= 3 else 1.0
    scale = width / top
    parts = [f'<text x="10" y="{y + 16}" font-size="15" font-weight="bold">{escape(title)}</text>',
             f'<text x="10" y="{y + 34}" font-size="11" fill="#555">{escape(subtitle)}</text>']
    y0 = y + 46
    for i, (label, value, series, detail) in enumerate(bars):
        yy = y0 + i * row
        parts.append(f'<text x="{left - 8}" y="{yy + 14}" font-size="11" text-anchor="end">{escape(label)}</text>')
        if value is None:
            parts.append(f'<text x="{left + 4}" y="{yy + 14}" font-size="11" fill="#888">no figure</text>')
            continue
        good = value >= 1 if better_above_one else value <= 1
        colour = ("#2e7d32" if good else "#e65100") if series == "sluice" else ("#81c784" if good else "#ffb74d")
        w = max(1.0, min(value, top) * scale)
        parts.append(f'<rect x="{left}" y="{yy + 3}" width="{w:.1f}" height="{row - 7}" fill="{colour}"/>')
        if value > top:
            parts.append(f'<path d="M{left + w:.1f},{yy + 1} l8,{(row - 3) / 2:.1f} l-8,{(row - 3) / 2:.1f} z" fill="{colour}"/>')
            w += 8
        parts.append(f'<text x="{left + w + 4:.1f}" y="{yy + 14}" font-size="11">{value:.2f}'
                     f'{escape("  " + detail) if detail else ""}</text>')
    bottom = y0 + len(bars) * row
    for tick in [i * step for i in range(0, int(top / step) + 1)]:
        x = left + tick * scale
        parts.append(f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 4}" stroke="#999"/>')
        parts.append(f'<text x="{x:.1f}" y="{bottom + 15}" font-size="10" text-anchor="middle" fill="#555">{tick:g}</text>')
    one = left + scale
    parts.append(f'<line x1="{one:.1f}" y1="{y0 - 2}" x2="{one:.1f}" y2="{bottom}" stroke="#000" stroke-dasharray="4,3"/>')
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{left + width}" y2="{bottom}" stroke="#999"/>')
    return parts, bottom + 30 - y


def svg(folder, scenarios):
    perf, cpu, cold = [], [], []
    for name, s in scenarios.items():
        a, rows = analyse(s), s["rows"]
        if name.lower().startswith("cold") or "cold" in name.lower():
            for t in ("sluice", "base"):
                if t in rows:
                    note = rows[t]["note"]
                    vs_warm = next((num(p.split()[-1]) for p in note.split(";") if "cold/warm" in p), None)
                    cold.append((f"{name} ({t})", vs_warm, t, ""))
            continue
        if a["best"] is None:
            continue
        direction = "" if s["better"] == "higher" else " [best ÷ it]"
        perf.append((f"{name}{direction}", a["score"], "sluice", f"vs {a['best'][0]}"))
        if "base" in rows:
            perf.append((f"{name} (base){direction}", a["base_score"], "base", ""))
        if a["cpu_best"] is not None and rows.get("sluice", {}).get("cpu") is not None:
            detail = f"Sluice {fmt(rows['sluice']['cpu'])} µs, {a['cpu_best'][0]} {fmt(a['cpu_best'][1])} µs"
            cpu.append((name, a["cpu_vs_best"], "sluice", detail))
            if "base" in rows and rows["base"]["cpu"] is not None:
                cpu.append((f"{name} (base)", a["base_cpu_vs_best"], "base", f"base {fmt(rows['base']['cpu'])} µs"))
    parts, y = [], 10
    for title, subtitle, bars, above in (
            ("Sluice against the best of nginx and HAProxy",
             "its req/s, msg/s or MiB/s ÷ the best anchor's; for latency and memory rows the best anchor's ÷ its own. Above 1: Sluice better",
             perf, True),
            ("CPU per request / message: Sluice ÷ the lower of nginx and HAProxy",
             "utime + stime from /proc over the measured runs, per operation. Below 1: Sluice used less CPU",
             cpu, False),
            ("Cold: a fresh JVM's req/s in its first seconds ÷ its warm req/s", "1 KiB GET; 1 = no warm-up needed",
             cold, True)):
        if not bars:
            continue
        p, h = bar_chart(y, title, subtitle, bars, above)
        parts += p
        y += h + 10
    body = "\n".join(parts) or '<text x="10" y="20">no figures</text>'
    doc = (f'<svg xmlns="http://www.w3.org/2000/svg" width="1100" height="{max(y, 40)}" '
           f'viewBox="0 0 1100 {max(y, 40)}" font-family="sans-serif">\n'
           f'<rect width="100%" height="100%" fill="#fff"/>\n{body}\n</svg>\n')
    with open(os.path.join(folder, "ratios.svg"), "w", encoding="utf-8") as f:
        f.write(doc)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: report.py RESULTS_DIR")
    scenarios = load(sys.argv[1])
    markdown(sys.argv[1], scenarios)
    svg(sys.argv[1], scenarios)


if __name__ == "__main__":
    main()
