#!/usr/bin/python3
"""Writes deterministic Prometheus text-format (0.0.4) bodies shaped like a Nova user-service.

Each body holds exactly the requested number of sample lines, grouped by metric family with
HELP and TYPE lines, as client_golang would expose them: HTTP histograms and counters over
route/method/code/instance, streaming gauges, Postgres query histograms, summaries with
quantiles and the usual go_*/process_* runtime metrics. A fixed seed makes every run produce
byte-identical files, so throughput numbers compare across runs.

usage: gen_corpus.py OUT_DIR [SAMPLES ...]     (default sizes: 1000 10000 100000)
Writes OUT_DIR/corpus-<label>.prom (label 1k, 10k, 100k, or the raw count).
"""

import os
import random
import sys

SEED = 20240917
HTTP_BUCKETS = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10"]
PG_BUCKETS = ["0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "5"]
QUANTILES = ["0.5", "0.9", "0.99"]
METHODS = ["GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH"]
CODES = ["200", "200", "200", "201", "204", "301", "400", "401", "403", "404", "409", "429",
         "500", "502", "503"]
RESOURCES = ["users", "sessions", "orders", "carts", "payments", "invoices", "streams", "videos",
             "playlists", "channels", "comments", "likes", "search", "recommendations", "profiles",
             "settings", "notifications", "devices", "subscriptions", "billing", "catalog",
             "inventory", "shipments", "reviews", "tags", "uploads", "thumbnails", "captions",
             "reports", "exports", "webhooks", "tokens", "audit", "teams", "projects", "members"]
SUFFIXES = ["", "/{id}", "/{id}/items", "/{id}/history", "/{id}/status", "/batch", "/export",
            "/{id}/events", "/{id}/children/{child_id}", "/count"]
# Label values that need escaping in the text format: quote, backslash and newline.
AWKWARD = ['curl/8.4.0 "health-probe"', 'C:\\Program Files\\nova\\agent.exe',
           'pq: duplicate key value violates unique constraint "orders_pkey"\nDETAIL: retry',
           'Mozilla/5.0 (X11; Linux x86_64) "Nova"/2.1', 'path\\with\\backslashes',
           'multi\nline\nvalue', 'plain ascii value', 'ünïcödé ✓ value']
QUERIES = ["select_user_by_id", "insert_order", "update_cart_items", "select_stream_segments",
           "delete_expired_sessions", "select_recommendations", "upsert_device_token",
           "select_invoice_lines", "insert_audit_event", "select_channel_members"]


def escape(value):
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def fmt_labels(pairs):
    if not pairs:
        return ""
    return "{" + ",".join('%s="%s"' % (k, escape(v)) for k, v in pairs) + "}"


def fmt_float(rng, lo, hi):
    v = rng.uniform(lo, hi)
    return repr(round(v, rng.choice([3, 6, 9])))


class Body:
    """Accumulates lines and counts sample lines."""

    def __init__(self):
        self.lines = []
        self.samples = 0

    def family(self, name, kind, help_text):
        self.lines.append("# HELP %s %s" % (name, help_text))
        self.lines.append("# TYPE %s %s" % (name, kind))

    def sample(self, name, pairs, value):
        self.lines.append("%s%s %s" % (name, fmt_labels(pairs), value))
        self.samples += 1

    def histogram(self, rng, name, pairs, buckets, scale):
        total = rng.randint(0, 500000)
        acc = 0
        for le in buckets:
            acc += int((total - acc) * rng.uniform(0.05, 0.6))
            self.sample(name + "_bucket", pairs + [("le", le)], str(acc))
        self.sample(name + "_bucket", pairs + [("le", "+Inf")], str(total))
        self.sample(name + "_sum", pairs, repr(round(total * rng.uniform(0.001, 0.4) * scale, 6)))
        self.sample(name + "_count", pairs, str(total))

    def summary(self, rng, name, pairs):
        total = rng.randint(0, 100000)
        for q in QUANTILES:
            value = "NaN" if total == 0 else fmt_float(rng, 0.0001, 2.0)
            self.sample(name, pairs + [("quantile", q)], value)
        self.sample(name + "_sum", pairs, fmt_float(rng, 0, 5000))
        self.sample(name + "_count", pairs, str(total))


def instances(n):
    return ["10.%d.%d.%d:8080" % (12 + i // 4096, (i // 256) % 16, i % 256) for i in range(n)]


def routes(rng, n):
    all_routes = ["/api/v1/%s%s" % (r, s) for r in RESOURCES for s in SUFFIXES]
    rng.shuffle(all_routes)
    return sorted(all_routes[:n])


def runtime_metrics(rng, body):
    body.family("go_gc_duration_seconds", "summary",
                "A summary of the pause duration of garbage collection cycles.")
    for q in ["0", "0.25", "0.5", "0.75", "1"]:
        body.sample("go_gc_duration_seconds", [("quantile", q)], fmt_float(rng, 1e-5, 1e-3))
    body.sample("go_gc_duration_seconds_sum", [], fmt_float(rng, 1, 20))
    body.sample("go_gc_duration_seconds_count", [], str(rng.randint(1000, 90000)))
    gauges = [("go_goroutines", "Number of goroutines that currently exist.", 40, 3000),
              ("go_threads", "Number of OS threads created.", 8, 64)]
    for name, help_text, lo, hi in gauges:
        body.family(name, "gauge", help_text)
        body.sample(name, [], str(rng.randint(lo, hi)))
    body.family("go_info", "gauge", "Information about the Go environment.")
    body.sample("go_info", [("version", "go1.21.6")], "1")
    memstats = ["alloc_bytes", "buck_hash_sys_bytes", "gc_sys_bytes", "heap_alloc_bytes",
                "heap_idle_bytes", "heap_inuse_bytes", "heap_objects", "heap_released_bytes",
                "heap_sys_bytes", "mcache_inuse_bytes", "mspan_inuse_bytes", "next_gc_bytes",
                "other_sys_bytes", "stack_inuse_bytes", "sys_bytes"]
    for m in memstats:
        name = "go_memstats_" + m
        body.family(name, "gauge", "Number of bytes for " + m.replace("_", " ") + ".")
        body.sample(name, [], "%.7e" % rng.uniform(1e5, 5e9))
    for m in ["alloc_bytes_total", "frees_total", "lookups_total", "mallocs_total"]:
        name = "go_memstats_" + m
        body.family(name, "counter", "Total number of " + m.replace("_", " ") + ".")
        body.sample(name, [], "%.7e" % rng.uniform(1e6, 9e11))
    process = [("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", fmt_float(rng, 10, 90000)),
               ("process_max_fds", "gauge", "Maximum number of open file descriptors.", "1.048576e+06"),
               ("process_open_fds", "gauge", "Number of open file descriptors.", str(rng.randint(20, 4000))),
               ("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", "%.7e" % rng.uniform(5e7, 4e9)),
               ("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.", "1.71042318227e+09"),
               ("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.", "%.7e" % rng.uniform(1e9, 9e9))]
    for name, kind, help_text, value in process:
        body.family(name, kind, help_text)
        body.sample(name, [], value)


def pick_series(rng, count, dims):
    """Draws `count` distinct label tuples from the product of `dims`, sorted as client_golang does."""
    space = 1
    for d in dims:
        space *= len(set(d))
    count = min(count, space)
    seen = set()
    while len(seen) < count:
        seen.add(tuple(rng.choice(d) for d in dims))
    return sorted(seen)


def build(total):
    rng = random.Random(SEED + total)
    body = Body()
    runtime_metrics(rng, body)
    budget = total - body.samples
    n_inst = max(1, budget // 4000)
    inst = instances(n_inst)
    rts = routes(rng, min(len(RESOURCES) * len(SUFFIXES), max(6, budget // 300)))
    hist_len = len(HTTP_BUCKETS) + 3
    pg_len = len(PG_BUCKETS) + 3
    sum_len = len(QUANTILES) + 2

    # Shares of the sample budget per family, roughly what a busy HTTP service exposes.
    n_http = int(budget * 0.55) // hist_len
    n_req = int(budget * 0.12)
    n_err = int(budget * 0.05)
    n_pg = int(budget * 0.12) // pg_len
    n_rpc = int(budget * 0.06) // sum_len

    body.family("nova_http_request_duration_seconds", "histogram",
                "Latency of HTTP requests served, by route, method and status code.")
    for code, instance, method, route in pick_series(rng, n_http, [CODES, inst, METHODS, rts]):
        pairs = [("code", code), ("instance", instance), ("method", method), ("route", route)]
        body.histogram(rng, "nova_http_request_duration_seconds", pairs, HTTP_BUCKETS, 1.0)

    body.family("nova_http_requests_total", "counter", "HTTP requests served.")
    for code, instance, method, route in pick_series(rng, n_req, [CODES, inst, METHODS, rts]):
        pairs = [("code", code), ("instance", instance), ("method", method), ("route", route)]
        body.sample("nova_http_requests_total", pairs, str(rng.randint(0, 10**9)))

    body.family("nova_http_errors_total", "counter",
                "HTTP requests that failed, by route, status code and client \\\\ agent.")
    kinds = ["timeout", "upstream", "validation", "auth", "panic"]
    for code, kind, route, agent in pick_series(rng, n_err, [CODES[6:], kinds, rts, AWKWARD]):
        pairs = [("code", code), ("kind", kind), ("route", route), ("user_agent", agent)]
        body.sample("nova_http_errors_total", pairs, str(rng.randint(0, 10**6)))

    body.family("pg_query_duration_seconds", "histogram", "Postgres query latency.")
    dbs = ["users", "orders", "streaming", "billing"]
    for db, instance, query in pick_series(rng, n_pg, [dbs, inst, QUERIES]):
        pairs = [("db", db), ("instance", instance), ("query", query)]
        body.histogram(rng, "pg_query_duration_seconds", pairs, PG_BUCKETS, 0.05)

    body.family("nova_rpc_duration_seconds", "summary", "Latency of outgoing RPCs.")
    services = ["catalog", "payments", "recommender", "auth", "transcoder", "notifier"]
    for instance, method, service in pick_series(rng, n_rpc, [inst, METHODS[3:], services]):
        pairs = [("instance", instance), ("method", method), ("service", service)]
        body.summary(rng, "nova_rpc_duration_seconds", pairs)

    body.family("nova_streaming_active_streams", "gauge", "Streams being served right now.")
    codecs = ["h264", "h265", "vp9", "av1", "opus", "aac"]
    for codec, instance in pick_series(rng, 6 * n_inst, [codecs, inst]):
        body.sample("nova_streaming_active_streams", [("codec", codec), ("instance", instance)],
                    str(rng.randint(0, 5000)))

    # The websocket gauge takes whatever is left, so the body holds exactly `total` samples.
    body.family("nova_streaming_websocket_connections", "gauge", "Open websocket connections.")
    rest = total - body.samples
    regions = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2", "ap-south-1"]
    shards = [str(i) for i in range(max(1, rest // (len(regions) * n_inst) + 1))]
    for instance, region, shard in pick_series(rng, rest, [inst, regions, shards]):
        pairs = [("instance", instance), ("region", region), ("shard", shard)]
        body.sample("nova_streaming_websocket_connections", pairs, str(rng.randint(0, 20000)))

    if body.samples != total:
        raise SystemExit("corpus with %d samples came out with %d" % (total, body.samples))
    return "\n".join(body.lines) + "\n"


def label_for(n):
    return "%dk" % (n // 1000) if n % 1000 == 0 else str(n)


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    out_dir = argv[1]
    sizes = [int(a) for a in argv[2:]] or [1000, 10000, 100000]
    os.makedirs(out_dir, exist_ok=True)
    for n in sizes:
        path = os.path.join(out_dir, "corpus-%s.prom" % label_for(n))
        with open(path, "w", encoding="utf-8") as f:
            f.write(build(n))
        print(path)


if __name__ == "__main__":
    main(sys.argv)
