#!/usr/bin/env python3
"""bench/report.py - turn bench/run.sh's raw samples into Markdown (+ PNG).

  report.py macro RAW.tsv OUT.md ROUNDS DURATION SMOKE ELAPSED KERNEL NCPU
      RAW.tsv lines: lab config round metric value ("n/a: why" allowed).
      Writes OUT.md (median with min-max per cell, ratios to nft-dnat and
      kernel-fwd, targets with verdicts) and OUT.png (gnuplot chart of the
      medians normalised to kernel-fwd) when gnuplot is installed.
  report.py micro RAW.txt OUT.md KERNEL NCPU
      RAW.txt lines from bench/micro/micro_core and the control-plane run:
      "kind key=value ...".
"""
import os
import statistics
import subprocess
import sys
import time

METRICS = [
    # key, label, unit, higher is better
    ("udp_pps", "UDP 64 B delivered to the RS", "kpps", True, 1e-3),
    ("conn_s", "New TCP conn/s (HTTP, Connection: close)", "k/s", True, 1e-3),
    ("ka_rps", "Keep-alive HTTP req/s", "k/s", True, 1e-3),
    ("lat_p50_ms", "Latency p50 (keep-alive, 32 conns)", "ms", False, 1),
    ("lat_p99_ms", "Latency p99 (keep-alive, 32 conns)", "ms", False, 1),
    ("ka1_rps", "Keep-alive HTTP req/s, all to RS1", "k/s", True, 1e-3),
    ("tput_on_gbps", "1 TCP stream, offloads on", "Gbit/s", True, 1),
    ("tput_off_gbps", "1 TCP stream, offloads off", "Gbit/s", True, 1),
    ("cpu_ns_pkt", "Machine CPU per UDP packet (net of idle load)", "ns", False, 1),
    ("dir_ns_pkt", "Director process CPU per UDP packet", "ns", False, 1),
]
LABS = [("nat", "LVS-NAT lab"), ("dr", "LVS-DR lab")]
# metrics a lab does not have (DR cannot map the one-server port): no row
LAB_ONLY = {"ka1_rps": "nat"}


def lab_metrics(lab):
    return [m for m in METRICS if LAB_ONLY.get(m[0], lab) == lab]


def fmt(v):
    if v >= 100:
        return "%.0f" % v
    if v >= 10:
        return "%.1f" % v
    return "%.2f" % v


def load(raw):
    """{lab: {config: {metric: [values] or 'n/a: ...'}}} and config order"""
    data, order = {}, {}
    with open(raw) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 5:
                continue
            lab, cfg, _rnd, metric, value = parts
            order.setdefault(lab, [])
            if cfg not in order[lab]:
                order[lab].append(cfg)
            cell = data.setdefault(lab, {}).setdefault(cfg, {})
            metrics = [m[0] for m in METRICS] if metric == "all" else [metric]
            for m in metrics:
                try:
                    cell.setdefault(m, []).append(float(value))
                except ValueError:
                    cell.setdefault(m + ":na", value)
    return data, order


def median(cell, m):
    v = cell.get(m)
    return statistics.median(v) if v else None


def cell_text(cell, m, scale):
    v = cell.get(m)
    if v:
        med = statistics.median(v) * scale
        if len(v) == 1:
            return fmt(med)
        return "%s (%s–%s)" % (fmt(med), fmt(min(v) * scale), fmt(max(v) * scale))
    na = cell.get(m + ":na")
    return na.replace("|", "/") if na else "–"


def ratio_text(cell, base, m):
    a, b = median(cell, m), median(base, m) if base else None
    if a is None or not b:
        return "–"
    return "%.2f×" % (a / b)


def chart(lab, cfgs, data, png):
    """grouped bars: median of each metric relative to kernel-fwd"""
    base = data.get("kernel-fwd")
    if not base or subprocess.call(["sh", "-c", "command -v gnuplot >/dev/null"]) != 0:
        return False
    rows = []
    for key, label, _u, _hib, _s in METRICS:
        b = median(base, key)
        if not b:
            continue
        vals = []
        for c in cfgs:
            v = median(data[c], key)
            vals.append("%.3f" % (v / b) if v is not None else "NaN")
        rows.append('"%s" %s' % (label.replace('"', "'"), " ".join(vals)))
    if not rows:
        return False
    dat = png + ".dat"
    with open(dat, "w") as f:
        f.write("metric " + " ".join('"%s"' % c for c in cfgs) + "\n")
        f.write("\n".join(rows) + "\n")
    cols = " , ".join("'%s' using %d:xtic(1) title columnheader(%d)" % (dat, i + 2, i + 2)
                      for i in range(len(cfgs)))
    script = """
set terminal pngcairo size 1400,700 font ",10"
set output '%s'
set title "lvsd bench, %s: median of each metric relative to kernel-fwd (1.0 = kernel-fwd; latency and CPU: lower is better)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by -25 scale 0
set bmargin 9
set rmargin 22
set ylabel "ratio to kernel-fwd"
set grid ytics
set key outside right top
set yrange [0:*]
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 1.5
plot %s
""" % (png, lab, cols)
    try:
        subprocess.run(["gnuplot"], input=script.encode(), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except (subprocess.CalledProcessError, OSError) as e:
        sys.stderr.write("report: gnuplot failed: %s\n" % e)
        return False
    finally:
        try:
            os.unlink(dat)
        except OSError:
            pass
    return True


def best_lvsd(data, cfgs, m, lab):
    best = None
    for c in cfgs:
        if not c.startswith("lvsd"):
            continue
        v = median(data[c], m)
        if v is not None and (best is None or v > best[1]):
            best = (c, v)
    return best


def verdict_row(out, what, data, cfgs, m, ref, factor, lab):
    b = best_lvsd(data, cfgs, m, lab)
    r = median(data.get(ref, {}), m)
    if b is None:
        out.append("| %s | %s ≥ %.1f × %s | – | – | not measured (no lvsd configuration available) |"
                   % (what, m, factor, ref))
        return
    if not r:
        out.append("| %s | ≥ %.1f × %s | %s | – | no %s reference |" % (what, factor, ref, b[0], ref))
        return
    ratio = b[1] / r
    out.append("| %s | ≥ %.1f × %s | %s | %.2f× | %s |" % (
        what, factor, ref, b[0], ratio, "**met**" if ratio >= factor else "**missed**"))


def macro(argv):
    raw, out_md, rounds, dur, smoke, elapsed, kernel, ncpu = argv
    data_all, order = load(raw)
    png_base = os.path.splitext(out_md)[0]
    out = ["# lvsd benchmark %s" % time.strftime("%Y-%m-%d", time.gmtime()), ""]
    out.append("Generated by `make bench` (bench/run.sh) in %s s: %s round(s) per configuration, "
               "%s s per metric, kernel %s, %s CPUs.%s" % (
                   elapsed, rounds, dur, kernel, ncpu,
                   " **Smoke run: numbers are not meaningful.**" if smoke == "1" else ""))
    out.append("")
    out.append("Each cell is the median over rounds with min–max in brackets; every configuration "
               "gets a fresh lab per round and rounds are interleaved (see docs/ARCHITECTURE.md, "
               "Benchmarks). Raw samples: `%s`." % os.path.basename(raw))
    out.append("")
    out.append("The machine is shared (other builds/tests run at the same time, load average "
               "%.1f when this report was written), so absolute numbers are noisy; ratios "
               "measured in the same round are more robust than absolute values."
               % os.getloadavg()[0])
    out.append("")
    for lab, title in LABS:
        data = data_all.get(lab)
        if not data:
            continue
        cfgs = order[lab]
        out.append("## %s" % title)
        out.append("")
        out.append("| Metric | unit | " + " | ".join(cfgs) + " |")
        out.append("|---|---|" + "---|" * len(cfgs))
        for key, label, unit, _hib, scale in lab_metrics(lab):
            out.append("| %s | %s | " % (label, unit) +
                       " | ".join(cell_text(data[c], key, scale) for c in cfgs) + " |")
        out.append("")
        for c in cfgs:
            info = data[c].get("backend:na")
            if info:
                out.append("- `%s`: lvsd ran %s" % (c, info.replace("info: ", "", 1)))
        if any(data[c].get("backend:na") for c in cfgs):
            out.append("")
        for ref in ("nft-dnat", "kernel-fwd"):
            if ref not in data:
                continue
            out.append("Ratio of medians to **%s** (higher is better for rates, lower for latency/CPU):" % ref)
            out.append("")
            out.append("| Metric | " + " | ".join(cfgs) + " |")
            out.append("|---|" + "---|" * len(cfgs))
            for key, label, _u, _hib, _s in lab_metrics(lab):
                out.append("| %s | " % label + " | ".join(ratio_text(data[c], data[ref], key) for c in cfgs) + " |")
            out.append("")
        png = "%s%s.png" % (png_base, "" if lab == "nat" else "-" + lab)
        if chart(title, cfgs, data, png):
            out.append("![%s chart](%s)" % (title, os.path.basename(png)))
            out.append("")
        if lab == "nat":
            out.append("### Targets (issue 7)")
            out.append("")
            out.append("Best lvsd configuration per metric against the reference medians.")
            out.append("")
            out.append("| Target | required | lvsd config | measured | verdict |")
            out.append("|---|---|---|---|---|")
            verdict_row(out, "UDP 64 B pps", data, cfgs, "udp_pps", "nft-dnat", 2.0, lab)
            verdict_row(out, "UDP 64 B pps", data, cfgs, "udp_pps", "kernel-fwd", 1.5, lab)
            verdict_row(out, "new TCP conn/s", data, cfgs, "conn_s", "nft-dnat", 1.2, lab)
            verdict_row(out, "new TCP conn/s", data, cfgs, "conn_s", "haproxy", 1.5, lab)
            verdict_row(out, "keep-alive req/s", data, cfgs, "ka_rps", "kernel-fwd", 1.0, lab)
            verdict_row(out, "TCP throughput, offloads off", data, cfgs, "tput_off_gbps", "kernel-fwd", 1.0, lab)
            out.append("")
            b = best_lvsd(data, cfgs, "ka1_rps", lab)
            r = median(data.get("kernel-fwd", {}), "ka1_rps")
            if b and r:
                out.append("Diagnostic for the keep-alive target (not a target itself): with every "
                           "director sending all 32 connections to RS1, the real servers do "
                           "kernel-fwd's work and only the directors differ: %s %.2f× kernel-fwd "
                           "(row \"all to RS1\")." % (b[0], b[1] / r))
                out.append("")
            for c in cfgs:
                pf = "%s-perf-%s.txt" % (png_base, c)
                if os.path.exists(pf):
                    with open(pf) as f:
                        top = f.read().rstrip()
                    if top:
                        out.append("perf profile of `%s` during the UDP flood (round 1, top symbols):" % c)
                        out.append("")
                        out.append("```")
                        out.append(top)
                        out.append("```")
                        out.append("")
    with open(out_md, "w") as f:
        f.write("\n".join(out) + "\n")
    return 0


def parse_kv(line):
    parts = line.split()
    return parts[0], dict(p.split("=", 1) for p in parts[1:] if "=" in p)


def micro(argv):
    raw, out_md, kernel, ncpu = argv
    conns, scheds, ctl = [], {}, None
    with open(raw) as f:
        for line in f:
            if not line.strip():
                continue
            kind, kv = parse_kv(line)
            if kind == "conn":
                conns.append(kv)
            elif kind == "sched" and "decision_ns" in kv:
                scheds.setdefault(kv["name"], {})[int(kv["dests"])] = float(kv["decision_ns"])
            elif kind == "ctl":
                ctl = kv
    out = ["# lvsd micro-benchmarks %s" % time.strftime("%Y-%m-%d", time.gmtime()), ""]
    out.append("Generated by `make bench-micro` (bench/run.sh --micro-only, bench/micro/micro_core.c) "
               "on kernel %s, %s CPUs, load average %.1f (shared machine: times include interference)."
               % (kernel, ncpu, os.getloadavg()[0]))
    out.append("")
    out.append("## Connection table")
    out.append("")
    out.append("Insert = a SYN from a new client through `lvs_core_inbound()` (service lookup, rr, "
               "allocation, hashing, stats); lookup = hash + chain walk under the bucket lock; "
               "established = the whole decision for an ACK of a known connection; delete = find, "
               "unhash, release. Keys are visited in a scrambled order (generated outside the timed "
               "region). Median (p99) of batch means, ns/op. Lookup and established come twice: "
               "*isolated* = one packet at a time, every cache miss paid in full; *burst* = ns per packet "
               "when a worker handles %s packets at a time (`lvs_core_prefetch()` of all, "
               "`lvs_core_prefetch2()` of all, then the work), which is how the datapath calls the core."
               % (conns[0].get("burst", "32") if conns else "32"))
    out.append("")
    out.append("| entries | entry size | resident bytes/entry | table RSS | insert ns | lookup ns isolated | "
               "lookup ns burst | established ns isolated | established ns burst | delete ns |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")

    def pair(c, k):
        return "%s (%s)" % (c[k + "_ns"], c[k + "_p99"]) if k + "_ns" in c else "–"
    for c in conns:
        out.append("| %s | %s B | %s | %s MiB | %s | %s | %s | %s | %s | %s |" % (
            c["live"], c["sizeof_entry"], c["bytes_per_entry_rss"], c["table_rss_mib"],
            pair(c, "insert"), pair(c, "lookup"), pair(c, "lookup_burst"),
            pair(c, "established"), pair(c, "established_burst"), pair(c, "delete")))
    out.append("")
    out.append("## Schedulers")
    out.append("")
    out.append("Decision ns (median of batch means) calling `lvs_sched_schedule()` directly, "
               "destinations with weights 1–5 and uneven active/inactive counts.")
    out.append("")
    sizes = sorted({n for v in scheds.values() for n in v})
    out.append("| scheduler | " + " | ".join("%d dests" % n for n in sizes) + " | growth %d→%d |" % (
        sizes[0], sizes[-1]) if sizes else "| scheduler |")
    out.append("|---|" + "---|" * (len(sizes) + 1))
    for name, v in scheds.items():
        g = v.get(sizes[-1], 0) / v[sizes[0]] if v.get(sizes[0]) else 0
        out.append("| %s | " % name + " | ".join(fmt(v[n]) if n in v else "–" for n in sizes) +
                   " | %.1f× |" % g)
    out.append("")
    out.append("## Control plane")
    out.append("")
    if ctl:
        out.append("`ipvsadm -R` of %s services × %s destinations into `lvsd --backend none`: **%s s** "
                   "(exit %s); `ipvsadm -L -n` of the result (%s lines): **%s s**." % (
                       ctl["services"], ctl["dests_per_service"], ctl["restore_s"], ctl["restore_rc"],
                       ctl["list_lines"], ctl["list_s"]))
    out.append("")
    out.append("## Targets (issue 7)")
    out.append("")
    out.append("| Target | measured | verdict |")
    out.append("|---|---|---|")

    def row(what, measured, ok):
        out.append("| %s | %s | %s |" % (what, measured, "–" if ok is None else ("**met**" if ok else "**missed**")))

    big = max(conns, key=lambda c: int(c["live"])) if conns else None
    m1 = next((c for c in conns if int(c["entries"]) == 1000000), None)
    m10 = next((c for c in conns if int(c["entries"]) == 10000000), None)
    if big:
        row("conn table ≤ 64 bytes per connection (resident, at %s)" % big["live"],
            "%s B (entry %s B)" % (big["bytes_per_entry_rss"], big["sizeof_entry"]),
            float(big["bytes_per_entry_rss"]) <= 64)
    row("10 M connections in ≤ 1 GiB", "%s MiB" % m10["table_rss_mib"] if m10 else "not run (smoke)",
        float(m10["table_rss_mib"]) <= 1024 if m10 else None)
    row("lookup ≤ 50 ns median at 1 M, isolated (one packet at a time)",
        "%s ns" % m1["lookup_ns"] if m1 else "not run (smoke)",
        float(m1["lookup_ns"]) <= 50 if m1 else None)
    if m1 and "lookup_burst_ns" in m1:
        row("lookup ≤ 50 ns median at 1 M, per packet in bursts of %s (prefetched, as the datapath calls it)"
            % m1.get("burst", "32"), "%s ns" % m1["lookup_burst_ns"], float(m1["lookup_burst_ns"]) <= 50)
    for name in ("rr", "wrr", "sh", "dh", "mh"):
        v = scheds.get(name, {})
        if sizes and v.get(sizes[0]) and v.get(sizes[-1]):
            g = v[sizes[-1]] / v[sizes[0]]
            row("%s O(1) (≤ 2× from %d to %d dests)" % (name, sizes[0], sizes[-1]),
                "%s → %s ns (%.1f×)" % (fmt(v[sizes[0]]), fmt(v[sizes[-1]]), g), g <= 2.0)
    for name in ("wlc", "lc", "sed", "nq"):
        v = scheds.get(name, {})
        if 1000 in v:
            row("%s ≤ 2 µs at 1,000 dests" % name, "%s ns" % fmt(v[1000]), v[1000] <= 2000)
    if ctl:
        row("restore %s × %s ≤ 1 s" % (ctl["services"], ctl["dests_per_service"]), "%s s" % ctl["restore_s"],
            float(ctl["restore_s"]) <= 1.0 and ctl["restore_rc"] == "0")
        row("list them ≤ 0.5 s", "%s s" % ctl["list_s"], float(ctl["list_s"]) <= 0.5)
    out.append("")
    with open(out_md, "w") as f:
        f.write("\n".join(out) + "\n")
    return 0


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "macro" and len(sys.argv) == 10:
        return macro(sys.argv[2:])
    if len(sys.argv) >= 2 and sys.argv[1] == "micro" and len(sys.argv) == 6:
        return micro(sys.argv[2:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
