#!/usr/bin/env python3
"""Prints bench/footprint.sh's table and, last, its one-line summary."""
import argparse
import sys


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--ticks-per-second", type=int, required=True)
    p.add_argument("--samples", type=int, required=True)
    p.add_argument("--window", type=int, required=True)
    p.add_argument("--agent", nargs=3, type=int, metavar=("HWM_KIB", "CPU_TICKS", "SCRAPES"))
    p.add_argument("--prometheus", nargs=3, type=int, metavar=("HWM_KIB", "CPU_TICKS", "SCRAPES"))
    p.add_argument("--agent-series", type=int, default=0)
    p.add_argument("--anon", nargs=2, type=int, default=[0, 0], metavar=("AGENT_KIB", "PROMETHEUS_KIB"))
    a = p.parse_args()

    rows = []
    for name, (hwm_kib, ticks, scrapes), anon_kib in (("nova-agent", a.agent, a.anon[0]),
                                                      ("prometheus", a.prometheus, a.anon[1])):
        if scrapes <= 0:
            print(f"footprint.sh: {name} took no scrapes in the window", file=sys.stderr)
            return 1
        cpu_ms = ticks * 1000.0 / a.ticks_per_second
        rows.append((name, hwm_kib / 1024.0, anon_kib / 1024.0, cpu_ms, scrapes, cpu_ms / scrapes))

    print(f"target: nova-demo-service, {a.samples} samples per scrape, 1s interval, "
          f"{a.window}s window; nova-agent kept {a.agent_series} series")
    print(f"{'process':<12} {'peak_rss_mb':>12} {'anon_mb':>8} {'cpu_ms':>8} {'scrapes':>8} "
          f"{'cpu_ms/scrape':>14}")
    for name, rss, anon, cpu, scrapes, per in rows:
        print(f"{name:<12} {rss:>12.1f} {anon:>8.1f} {cpu:>8.0f} {scrapes:>8d} {per:>14.2f}")
    (_, a_rss, _, _, _, a_per), (_, p_rss, _, _, _, p_per) = rows
    rss_ratio = a_rss / p_rss
    cpu_ratio = a_per / p_per if p_per > 0 else float("inf")
    print(f"targets: rss_ratio <= 0.1 ({'met' if rss_ratio <= 0.1 else 'MISSED'}), "
          f"cpu_ratio <= 0.25 ({'met' if cpu_ratio <= 0.25 else 'MISSED'})")
    print(f"footprint-10k: agent_rss_mb={a_rss:.1f} prometheus_rss_mb={p_rss:.1f} "
          f"rss_ratio={rss_ratio:.3f} agent_cpu_ms_per_scrape={a_per:.2f} "
          f"prometheus_cpu_ms_per_scrape={p_per:.2f} cpu_ratio={cpu_ratio:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
