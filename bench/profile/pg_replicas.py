#!/usr/bin/env python3
"""N relays on one PostgreSQL database: acknowledged rate, rate until everything is dispatched,
and CPU and database work per event.

Usage: pg_replicas.py RELAY_BENCH N [SECS] [ADMIN_URL]

Creates the database `pg_replicas_N` (dropped first if it exists) through `psql` on 127.0.0.1,
starts N `relay-bench serve-durable --pg-url` relays on it and loads each with its own
`relay-bench load` (32 / N connections each) for SECS measured seconds (default 5, after 1 s of
warm-up). Then it waits until no event is pending, because a closed-loop intake benchmark
acknowledges faster than one dispatcher dispatches: the acknowledged rate alone rewards a relay
that leaves its dispatching for later. Reports both rates, the relays' and PostgreSQL's CPU per
event (until drained), and PostgreSQL's transactions and row operations per event
(`pg_stat_database`).
"""
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

TCK = os.sysconf("SC_CLK_TCK")


def psql(db, sql):
    return subprocess.run(["psql", "-qtAX", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-c", sql],
                          capture_output=True, text=True, check=True).stdout.strip()


def ticks(pid=None):
    """CPU ticks of one process, or of every PostgreSQL server process."""
    pids = [str(pid)] if pid else [p for p in os.listdir("/proc") if p.isdigit()]
    t = 0
    for p in pids:
        try:
            st = open(f"/proc/{p}/stat").read()
        except OSError:
            continue
        if pid or "(postgres)" in st:
            f = st[st.rindex(")") + 2:].split()
            t += int(f[11]) + int(f[12])
    return t


def db_stats(db):
    cols = "xact_commit, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted"
    row = psql(db, f"SELECT {cols} FROM pg_stat_database WHERE datname = '{db}'")
    return dict(zip(cols.split(", "), map(int, row.split("|"))))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    bench, n = sys.argv[1], int(sys.argv[2])
    secs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    db = f"pg_replicas_{n}"
    psql("postgres", f"DROP DATABASE IF EXISTS {db}")
    psql("postgres", f"CREATE DATABASE {db}")
    url = f"postgres://postgres@127.0.0.1/{db}"
    relays, dirs, addrs = [], [], []
    try:
        for _ in range(n):
            d = tempfile.mkdtemp(prefix="pg-replicas-")
            dirs.append(d)
            r = subprocess.Popen([bench, "serve-durable", "--port", "0", "--data-dir", d, "--pg-url", url],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            relays.append(r)
            while True:
                line = r.stdout.readline()
                if not line:
                    sys.exit("a relay exited before listening")
                if line.startswith("LISTENING"):
                    addrs.append(line.split()[1])
                    break
        time.sleep(1)
        s0, p0, st0 = sum(ticks(r.pid) for r in relays), ticks(), db_stats(db)
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.time()
        loads = [subprocess.Popen([bench, "load", "--addr", a, "--duration", str(secs),
                                   "--connections", str(max(1, 32 // n)), "--json-only"],
                                  stdout=subprocess.PIPE, text=True) for a in addrs]
        reps = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in loads]
        t_load = time.time() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        pending_at_end = int(psql(db, "SELECT count(*) FROM events WHERE pending"))
        while int(psql(db, "SELECT count(*) FROM events WHERE pending")) > 0:
            if time.time() - t0 > t_load + 300:
                sys.exit("events still pending 300 s after the load")
            time.sleep(0.2)
        t_drained = time.time() - t0
        s1, p1, st1 = sum(ticks(r.pid) for r in relays), ticks(), db_stats(db)
        events = int(psql(db, "SELECT count(*) FROM events"))
    finally:
        for r in relays:
            r.stdin.close()
        for r in relays:
            r.wait(timeout=30)
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)
    acked = sum(r["req_per_s"] for r in reps)
    errors = sum(r["errors"] for r in reps)
    # The generators sign their pools before sending; sending took the warm-up and the window.
    sending_from = t_load - (secs + 1)
    print(f"replicas {n}: acknowledged {acked:.0f} req/s (errors {errors}); {events} events, "
          f"{pending_at_end} still pending when the load ended, all dispatched "
          f"{t_drained - t_load:.1f} s later: {events / (t_drained - sending_from):.0f} events/s end to end")
    print(f"  per event until drained: relays {(s1 - s0) / TCK / events * 1e6:.0f} us CPU, "
          f"postgres {(p1 - p0) / TCK / events * 1e6:.0f} us CPU; "
          + ", ".join(f"{k} {(st1[k] - st0[k]) / events:.2f}" for k in st0))
    gen = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
    print(f"  load generators: {gen:.1f} s CPU in all (including signing their pools)")


if __name__ == "__main__":
    main()
