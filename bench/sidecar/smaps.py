#!/usr/bin/env python3
"""Prints a process's resident memory per mapped file from /proc/PID/smaps.

  bench/sidecar/smaps.py PID [--top N]

One row per path (all of a library's mappings together: text, read-only data, RELRO, data),
largest first: `rss_kb` resident, `file_kb` the file's own pages (page cache, shared with
every process mapping them; what RssFile counts), `anon_kb` its private copies (written
pages: relocations, .data, .bss; what RssAnon counts, with the heap and stacks). Rows
without a path are the heap, stacks and anonymous mappings. Real resident pages only: the
figures are the kernel's, as it reports them.
"""
import argparse
import collections
import sys


def mappings(pid):
    """Yields (name, rss_kb, anon_kb) per mapping of /proc/PID/smaps."""
    name, rss, anon = None, 0, 0
    with open(f"/proc/{pid}/smaps") as f:
        for line in f:
            fields = line.split()
            if not fields[0].endswith(":"):  # a mapping's header: range perms offset dev inode [path]
                if name is not None:
                    yield name, rss, anon
                name = fields[5] if len(fields) > 5 else "[anon]"
                rss, anon = 0, 0
            elif fields[0] == "Rss:":
                rss = int(fields[1])
            elif fields[0] == "Anonymous:":
                anon = int(fields[1])
    if name is not None:
        yield name, rss, anon


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("pid", type=int)
    p.add_argument("--top", type=int, default=20, help="rows to print (default 20)")
    a = p.parse_args()
    rss = collections.Counter()
    anon = collections.Counter()
    for name, r, an in mappings(a.pid):
        rss[name] += r
        anon[name] += an
    total_rss, total_anon = sum(rss.values()), sum(anon.values())
    print(f"{'mapping':<44} {'rss_kb':>8} {'file_kb':>8} {'anon_kb':>8}")
    rows = rss.most_common()
    for name, r in rows[: a.top]:
        short = name if len(name) <= 44 else "..." + name[-41:]
        print(f"{short:<44} {r:>8} {r - anon[name]:>8} {anon[name]:>8}")
    rest = rows[a.top:]
    if rest:
        r = sum(x for _, x in rest)
        an = sum(anon[n] for n, _ in rest)
        print(f"{f'({len(rest)} more)':<44} {r:>8} {r - an:>8} {an:>8}")
    print(f"{'total':<44} {total_rss:>8} {total_rss - total_anon:>8} {total_anon:>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
