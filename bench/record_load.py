"""Load: 20 editors and 50 readers on the multi-user record for 60 s, over loopback HTTP.

Bounded: a fixed number of clients, a fixed duration, a per-request timeout, and only
127.0.0.1. The server is the record's REST routes (``defdip.web.records_api``) under uvicorn
(``--workers`` processes, default 2), reading the DuckDB store ``--store`` (e.g. a built
store; without one the entered record alone) and the PostgreSQL database of ``--admin-url``,
which the script
initialises and fills with users (editors of Türkiye, readers of several nations):

    .venv/bin/python bench/record_load.py \\
        --admin-url postgresql://postgres@127.0.0.1:5432/defdip_bench \\
        --store ~/.local/share/defdip/defdip.duckdb

Editors create records (RESTRICTED, releasable to NATO), update them with If-Match (on 412
they read the record again and retry), approve, delete and restore them, on a pool of records
they share (so they collide). Readers list records, open one, read its history and ask for
search suggestions. At the end the script prints, per route, requests, errors (5xx or no
answer), conflicts (412) and p50/p95/max milliseconds; and **lost writes**: acknowledged
(2xx) writes whose version PostgreSQL does not hold as acknowledged.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg

__all__ = ["main", "make_app"]

NATIONS = (("DEU", ("NATO",)), ("POL", ("NATO",)), ("TUR", ("NATO",)), ("RUS", ()),
           ("AZE", ()))


def make_app() -> Any:
    """The server (uvicorn --factory): the record's routes over $DEFDIP_BENCH_STORE."""
    from fastapi import FastAPI

    from defdip.service.context import Context
    from defdip.web.records_api import build_router

    store = os.environ.get("DEFDIP_BENCH_STORE") or None
    app = FastAPI()
    app.include_router(build_router(lambda: Context(store), secure_cookie=False))
    return app


def _record(n: int, marker: str) -> dict[str, Any]:
    partner = ("GRC", "DEU", "POL", "AZE", "USA")[n % 5]
    return {"kind": "exercise", "name": f"bench exercise {n}",
            "start": f"2023-{n % 12 + 1:02d}-10",
            "actors": [{"country": "TUR", "role": "host"}, {"country": partner,
                                                            "role": "participant"}],
            "source": {"url": "https://example.org/bench"}, "classification": "RESTRICTED",
            "releasable_to": ["NATO"], "notes": marker}


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.conflicts: dict[str, int] = defaultdict(int)
        self.acks: list[tuple[str, int, str]] = []  # (id, version, notes) acknowledged

    def call(self, client: httpx.Client, route: str, method: str, url: str,
             **kwargs: Any) -> httpx.Response | None:
        began = time.perf_counter()
        try:
            response = client.request(method, url, **kwargs)
        except httpx.HTTPError:
            response = None
        elapsed = (time.perf_counter() - began) * 1000
        with self.lock:
            self.times[route].append(elapsed)
            if response is None or response.status_code >= 500:
                self.errors[route] += 1
            elif response.status_code == 412:
                self.conflicts[route] += 1
        return response

    def ack(self, response: httpx.Response | None) -> dict[str, Any] | None:
        if response is None or response.status_code >= 300:
            return None
        body = response.json()
        with self.lock:
            self.acks.append((body["id"], body["version"], body.get("notes") or ""))
        return body


def editor(base: str, token: str, stats: Stats, pool: list[str], stop: float, seed: int) -> None:
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        n = 0
        while time.perf_counter() < stop:
            n += 1
            marker = f"{seed}-{n}"
            if not pool or rng.random() < 0.1:
                body = stats.ack(stats.call(client, "POST /entries", "POST", "/api/v1/entries",
                                            json=_record(seed * 10000 + n, marker)))
                if body is not None:
                    pool.append(body["id"])
                continue
            record_id = rng.choice(pool)
            current = stats.call(client, "GET /entries/{id}", "GET",
                                 f"/api/v1/entries/{record_id}")
            if current is None or current.status_code != 200:
                continue
            doc, etag = current.json(), current.headers["ETag"]
            roll = rng.random()
            if doc["deleted"]:
                stats.ack(stats.call(client, "POST /entries/{id}/restore", "POST",
                                     f"/api/v1/entries/{record_id}/restore",
                                     headers={"If-Match": etag}))
            elif roll < 0.75:
                number = int(doc["name"].rsplit(" ", 1)[1])
                stats.ack(stats.call(client, "PUT /entries/{id}", "PUT",
                                     f"/api/v1/entries/{record_id}",
                                     json=_record(number, marker), headers={"If-Match": etag}))
            elif roll < 0.92 and doc["status"] == "draft":
                stats.ack(stats.call(client, "POST /entries/{id}/approve", "POST",
                                     f"/api/v1/entries/{record_id}/approve",
                                     headers={"If-Match": etag}))
            else:
                stats.ack(stats.call(client, "DELETE /entries/{id}", "DELETE",
                                     f"/api/v1/entries/{record_id}",
                                     headers={"If-Match": etag}))


def reader(base: str, token: str, stats: Stats, pool: list[str], stop: float, seed: int) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"},
                      timeout=30) as client:
        while time.perf_counter() < stop:
            roll = rng.random()
            if roll < 0.4:
                stats.call(client, "GET /entries", "GET", "/api/v1/entries",
                           params={"country": "TUR", "year_from": 2023, "year_to": 2023})
            elif roll < 0.7 and pool:
                stats.call(client, "GET /entries/{id}", "GET",
                           f"/api/v1/entries/{rng.choice(pool)}")
            elif roll < 0.85 and pool:
                stats.call(client, "GET /entries/{id}/history", "GET",
                           f"/api/v1/entries/{rng.choice(pool)}/history")
            else:
                stats.call(client, "GET /entries/suggest", "GET", "/api/v1/entries/suggest",
                           params={"q": "bench"})


def _prepare(admin_url: str, app_url: str, editors: int, readers: int) -> tuple[list, list]:
    from defdip.service import accounts
    from defdip.service.context import Context
    from defdip.store.postgres import PostgresStore, init_database

    init_database(admin_url)
    ctx = Context(database_url=app_url)
    store = PostgresStore(app_url)
    if store.count_users() == 0:
        accounts.add_user(ctx, "bench-admin", nationality="TUR", clearance="SECRET")
    admin = ctx.as_user(store.principal_of(int(store.user_row("bench-admin")["id"])))

    def make(name: str, nation: str, groups: tuple[str, ...], roles: tuple[str, ...]) -> str:
        if store.user_row(name) is None:
            accounts.add_user(admin, name, nationality=nation, clearance="SECRET",
                              groups=groups)
            for role in roles:
                accounts.set_grant(admin, name, role, "*")
        who = store.principal_of(int(store.user_row(name)["id"]))
        return accounts.issue_token(ctx.as_user(who), "bench", days=1)

    edit = [make(f"bench-editor-{i:02d}", "TUR", ("NATO",), ("editor", "approver"))
            for i in range(editors)]
    read = [make(f"bench-reader-{i:02d}", *NATIONS[i % len(NATIONS)], ("viewer",))
            for i in range(readers)]
    PostgresStore.close_pools()
    return edit, read


def _lost(admin_url: str, acks: list[tuple[str, int, str]]) -> int:
    """Acknowledged writes whose version PostgreSQL does not hold with the written notes."""
    with psycopg.connect(admin_url) as conn:
        held = {(i, v): n for i, v, n in conn.execute(
            "SELECT id, version, coalesce(record ->> 'notes', '') FROM "
            "defdip.engagement_versions")}
    return sum(1 for i, v, n in acks if held.get((i, v)) != n)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--admin-url", required=True, help="superuser URL of the database")
    parser.add_argument("--app-user", default="defdip_app")
    parser.add_argument("--store", default=None, help="DuckDB store the server reads")
    parser.add_argument("--editors", type=int, default=20)
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    args = parser.parse_args()
    parts = urlsplit(args.admin_url)
    app_url = urlunsplit(parts._replace(netloc=f"{args.app_user}@{parts.hostname}"
                                        + (f":{parts.port}" if parts.port else "")))
    edit, read = _prepare(args.admin_url, app_url, args.editors, args.readers)
    env = {**os.environ, "DEFDIP_DATABASE_URL": app_url, "DEFDIP_DATABASE_POOL": "20",
           "DEFDIP_BENCH_STORE": args.store or ""}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "record_load:make_app",
                               "--factory", "--app-dir", str(Path(__file__).parent),
                               "--host", "127.0.0.1", "--port", str(args.port),
                               "--workers", str(args.workers), "--log-level", "warning"],
                              env=env, stdout=sys.stderr)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for _ in range(300):
            try:
                httpx.get(f"{base}/api/v1/entries/suggest", params={"q": "x"}, timeout=5)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        stats, pool = Stats(), []
        stop = time.perf_counter() + args.seconds
        threads = [threading.Thread(target=editor, args=(base, t, stats, pool, stop, i + 1))
                   for i, t in enumerate(edit)]
        threads += [threading.Thread(target=reader, args=(base, t, stats, pool, stop, 100 + i))
                    for i, t in enumerate(read)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=30)
    routes = {route: {"requests": len(times), "errors": stats.errors[route],
                      "conflicts_412": stats.conflicts[route],
                      "p50_ms": round(_percentile(times, 0.5), 1),
                      "p95_ms": round(_percentile(times, 0.95), 1),
                      "max_ms": round(max(times), 1)}
              for route, times in sorted(stats.times.items())}
    print(json.dumps({"editors": args.editors, "readers": args.readers,
                      "seconds": round(wall, 1), "store": args.store,
                      "requests": sum(r["requests"] for r in routes.values()),
                      "errors": sum(r["errors"] for r in routes.values()),
                      "acknowledged_writes": len(stats.acks),
                      "lost_writes": _lost(args.admin_url, stats.acks),
                      "records": len(pool), "routes": routes}, indent=2))


if __name__ == "__main__":
    main()
