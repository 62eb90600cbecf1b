"""Times the Python client's text parser (prometheus_client.parser) on one body.

Run it with Debian's /usr/bin/python3, which sees python3-prometheus-client.
usage: parse_bench.py FILE [MIN_SECONDS [MIN_ITERS]]
Prints the same RESULT line as the other harnesses: MB/s and samples/s from the best
iteration's process CPU time (MB is 10^6 bytes), plus the best wall time.
"""

import sys
import time

from prometheus_client.parser import text_string_to_metric_families


def parse(text):
    return sum(len(family.samples) for family in text_string_to_metric_families(text))


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    min_seconds = float(argv[2]) if len(argv) > 2 else 1.0
    min_iters = int(argv[3]) if len(argv) > 3 else 3
    with open(argv[1], "rb") as f:
        raw = f.read()
    text = raw.decode("utf-8")
    samples = parse(text)  # warm-up, and the count the timed runs must repeat
    times, walls = [], []
    while sum(walls) < min_seconds or len(times) < min_iters:
        start, start_cpu = time.perf_counter(), time.process_time()
        n = parse(text)
        times.append(time.process_time() - start_cpu)
        walls.append(time.perf_counter() - start)
        if n != samples:
            raise SystemExit("python: unstable parse: %d samples" % n)
    times.sort()
    best, median = times[0], times[len(times) // 2]
    print("RESULT parser=python bytes=%d samples=%d iters=%d best_s=%.6f median_s=%.6f "
          "wall_s=%.6f mbps=%.2f sps=%.0f" % (len(raw), samples, len(times), best, median,
                                              min(walls), len(raw) / best / 1e6, samples / best))


if __name__ == "__main__":
    main(sys.argv)
