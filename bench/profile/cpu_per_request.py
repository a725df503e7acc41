#!/usr/bin/env python3
"""CPU time per acknowledged request: the server's, by thread, and the load generator's.

Usage: cpu_per_request.py RELAY_BENCH bare|durable|pg [PG_URL]

Starts `relay-bench serve-bare` or `serve-durable` (on sled, or on PostgreSQL with PG_URL, whose
server processes are then counted too), loads it twice with `relay-bench load` (3 s and 9 s
measured, each after 1 s of warm-up) and reports the *difference* between the two runs divided by
the difference in requests. Taking the slope cancels fixed costs: the generator signs its whole
pool of requests up front, and startup work is done once. CPU is read from /proc (user + system
time per thread), so it does not depend on how busy the rest of the machine is, although waking
threads does cost more on a busy machine.

On a machine whose cores are saturated by the server and the generator, a closed loop runs at
cores / (server + generator CPU per request), which is why these figures explain the
durable / bare ratio of `relay-bench intake`.
"""
import collections
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

TCK = os.sysconf("SC_CLK_TCK")


def thread_ticks(pid):
    out = collections.Counter()
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            st = open(f"/proc/{pid}/task/{tid}/stat").read()
        except OSError:
            continue
        name = st[st.index("(") + 1:st.rindex(")")].rstrip("0123456789-") or "?"
        f = st[st.rindex(")") + 2:].split()
        out[(tid, name)] += int(f[11]) + int(f[12])
    return out


def postgres_ticks():
    t = 0
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            st = open(f"/proc/{p}/stat").read()
        except OSError:
            continue
        if "(postgres)" in st:
            f = st[st.rindex(")") + 2:].split()
            t += int(f[11]) + int(f[12])
    return t


def run(bench, kind, secs, pg_url):
    data = tempfile.mkdtemp(prefix="cpu-per-request-")
    cmd = [bench, "serve-bare", "--port", "0"] if kind == "bare" else \
        [bench, "serve-durable", "--port", "0", "--data-dir", data]
    if kind == "pg":
        cmd += ["--pg-url", pg_url]
    srv = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        while True:
            line = srv.stdout.readline()
            if not line:
                sys.exit("the server exited before listening")
            if line.startswith("LISTENING"):
                addr = line.split()[1]
                break
        time.sleep(0.5)
        t0, p0 = thread_ticks(srv.pid), postgres_ticks()
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run([bench, "load", "--addr", addr, "--duration", str(secs), "--json-only"],
                             capture_output=True, text=True, check=True).stdout
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t1, p1 = thread_ticks(srv.pid), postgres_ticks()
    finally:
        srv.stdin.close()
        srv.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)
    rep = json.loads(out.strip().splitlines()[-1])
    by = collections.Counter()
    for (tid, name), t in t1.items():
        by[name] += (t - t0.get((tid, name), 0)) / TCK
    gen = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    # Requests over the whole load run: the measured window's rate over warm-up and window.
    return rep["req_per_s"], rep["req_per_s"] * (secs + 1), by, gen, (p1 - p0) / TCK


def main():
    if len(sys.argv) < 3 or sys.argv[2] not in ("bare", "durable", "pg"):
        sys.exit(__doc__)
    bench, kind = sys.argv[1], sys.argv[2]
    pg_url = sys.argv[3] if len(sys.argv) > 3 else None
    if kind == "pg" and not pg_url:
        sys.exit("pg needs a database URL")
    short, long_ = run(bench, kind, 3, pg_url), run(bench, kind, 9, pg_url)
    dn = long_[1] - short[1]
    if dn <= 0:
        sys.exit("the longer run completed fewer requests; the machine is too busy to measure")
    print(f"{kind}: {short[0]:.0f} and {long_[0]:.0f} req/s; per request (slope of the two runs):")
    names = set(short[2]) | set(long_[2])
    rows = sorted(((long_[2][n] - short[2][n]) / dn * 1e6, n) for n in names)
    for us, n in reversed(rows):
        if abs(us) >= 0.05:
            print(f"  server {n:22s} {us:7.1f} us")
    server = sum(us for us, _ in rows)
    print(f"  server total                  {server:7.1f} us")
    if kind == "pg":
        print(f"  postgres processes            {(long_[4] - short[4]) / dn * 1e6:7.1f} us")
    print(f"  load generator                {(long_[3] - short[3]) / dn * 1e6:7.1f} us")


if __name__ == "__main__":
    main()
