#!/usr/bin/env python3
"""Prints bench/sidecar.sh's table and, last, its one-line summary.

The samples file has one line per second of the run: elapsed seconds, VmRSS, RssAnon and
RssFile of the agent, all in KiB.
"""
import argparse
import os
import sys


def slope_per_minute(points):
    """Least-squares slope of (seconds, KiB) points, in KiB per minute; 0 for fewer than 2."""
    n = len(points)
    if n < 2:
        return 0.0
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    var = sum((t - mean_t) ** 2 for t, _ in points)
    if var == 0:
        return 0.0
    cov = sum((t - mean_t) * (v - mean_v) for t, v in points)
    return cov / var * 60.0


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--samples-file", required=True)
    p.add_argument("--settle", type=int, required=True)
    p.add_argument("--hwm", type=int, required=True, help="VmHWM in KiB")
    p.add_argument("--cpu-ticks", type=int, required=True)
    p.add_argument("--ticks-per-second", type=int, required=True)
    p.add_argument("--elapsed", type=float, required=True)
    p.add_argument("--target-samples", type=int, required=True)
    p.add_argument("--series", type=int, default=0)
    p.add_argument("--scrapes", type=int, default=0)
    p.add_argument("--health", type=int, default=0)
    p.add_argument("--store-bytes", nargs=2, type=int, default=[0, 0],
                   metavar=("START", "END"), help="nova_agent_tsdb_bytes at start and end")
    p.add_argument("--binary", default="")
    p.add_argument("--build", default="", help="which build of nova-agent ran: sidecar, dynamic")
    a = p.parse_args()

    rows = []
    with open(a.samples_file) as f:
        for line in f:
            t, rss, anon, file_ = (int(x) for x in line.split())
            rows.append((t, rss, anon, file_))
    if not rows:
        print("sidecar.sh: no samples", file=sys.stderr)
        return 1
    settled = [(t, rss) for t, rss, _, _ in rows if t >= a.settle]
    growth = slope_per_minute(settled)
    cpu_s = a.cpu_ticks / a.ticks_per_second
    millicores = cpu_s / a.elapsed * 1000.0
    peak_anon = max(r[2] for r in rows)
    peak_file = max(r[3] for r in rows)
    first, last = rows[0], rows[-1]

    print(f"target: nova-demo-service, {a.target_samples} samples per scrape, 1s scrapes, "
          f"500ms health; {a.elapsed:.0f}s run; agent kept {a.series} series; "
          f"{a.scrapes} scrapes, {a.health} health probes")
    if a.binary and os.path.exists(a.binary):
        print(f"binary ({a.build or 'unnamed'} build): "
              f"{os.path.getsize(a.binary) / 1048576:.1f} MiB on disk (with debug info) {a.binary}")
    print(f"{'':<12} {'rss_mb':>8} {'anon_mb':>8} {'file_mb':>8}")
    print(f"{'first':<12} {first[1] / 1024:>8.2f} {first[2] / 1024:>8.2f} {first[3] / 1024:>8.2f}")
    print(f"{'last':<12} {last[1] / 1024:>8.2f} {last[2] / 1024:>8.2f} {last[3] / 1024:>8.2f}")
    print(f"{'peak':<12} {a.hwm / 1024:>8.2f} {peak_anon / 1024:>8.2f} {peak_file / 1024:>8.2f}"
          "   (rss: VmHWM; anon, file: largest sampled)")
    print(f"cpu: {cpu_s:.2f}s over {a.elapsed:.0f}s = {millicores:.2f} millicores"
          + (f", {cpu_s * 1000 / a.scrapes:.2f} ms per scrape (everything charged to scrapes)"
             if a.scrapes > 0 else ""))
    print(f"rss growth after {a.settle}s: {growth:.1f} KiB/min over {len(settled)} samples; "
          f"the store (nova_agent_tsdb_bytes) grew "
          f"{(a.store_bytes[1] - a.store_bytes[0]) / 1024 / (a.elapsed / 60):.1f} KiB/min "
          f"({a.store_bytes[0] / 1024:.0f} -> {a.store_bytes[1] / 1024:.0f} KiB)")
    rss_mb = a.hwm / 1024
    # RSS moves in 4 KiB pages; a slope under one page a minute is no growth at this length.
    print(f"goals: rss_mb <= 8 ({'met' if rss_mb <= 8 else 'MISSED'}), cpu_millicores <= 5 "
          f"({'met' if millicores <= 5 else 'MISSED'}), no growth, under 4 KiB/min "
          f"({'met' if growth < 4 else 'MISSED'})")
    print(f"sidecar-1k: rss_mb={rss_mb:.1f} cpu_millicores={millicores:.2f} "
          f"rss_growth_kb_per_min={growth:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
