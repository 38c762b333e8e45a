"""Load benchmark: the web server on 127.0.0.1 under concurrent clients, pages and API mixed.

Starts ``uvicorn defdip.web.app:create_app`` on a loopback port over ``--store`` (read-only),
then

1. **cold pass** — one client asks every distinct URL of the mix once, in order: what each
   route costs when nothing is cached (the first visitor's wait);
2. **load** — ``--clients`` concurrent clients (default 50) for ``--seconds`` (default 60)
   pick routes by weight from the same URLs (seeded), 1 in 10 API requests revalidating with
   ``If-None-Match`` as a browser does; ``--tail`` per cent (default 5) are new questions
   (``tail_*``: random states and year windows, mostly computed afresh under the load);
   bounded by ``--max-requests`` too. The load uses a lean keep-alive HTTP/1.1 client, so
   that the client's own CPU stays small beside the server's on the same two cores.

Prints requests/s and p50/p95/p99/max latency per route, errors (status ≥ 400, transport
errors), the server's response-cache hit rate, and the server's resident memory sampled every
second (all its processes). Targets on the 2-core machine: API list/ranking p95 < 150 ms,
country page p95 < 1 s, 0 errors, memory steady.

    .venv/bin/python bench/web.py --store ~/.local/share/defdip/defdip.duckdb
    .venv/bin/python bench/web.py --store … --clients 50 --seconds 60 --workers 2

Traffic goes to 127.0.0.1 only; the run stops itself after ``--seconds`` (or
``--max-requests``) and stops the server it started.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import socket
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import httpx
import psutil

__all__ = ["main", "mix"]

COUNTRIES = ("TUR", "GRC", "EGY", "PAK", "USA", "RUS", "CHN", "IND", "NGA", "BRA", "DEU",
             "FRA")
KINDS = ("exercise", "arms_transfer", "defence_agreement", "peacekeeping_deployment")
#: The long tail: states asked about rarely, with any year window — mostly cache misses.
TAIL = ("ARG", "AUS", "AZE", "BGD", "CAN", "CHL", "COL", "DZA", "ETH", "GBR", "GEO", "IDN",
        "IRN", "IRQ", "ISR", "ITA", "JPN", "JOR", "KAZ", "KEN", "KOR", "LBY", "MAR", "MEX",
        "MYS", "NLD", "NOR", "PER", "PHL", "POL", "QAT", "ROU", "SAU", "SDN", "SOM", "SWE",
        "SYR", "THA", "TUN", "UKR", "ARE", "VNM", "ZAF")
API_LIST = ("api_records", "api_ranking")  # the routes the API target is about


def mix() -> dict[str, tuple[int, list[str]]]:
    """Route name → (weight, the distinct URLs it asks)."""
    years = [(2010, 2014), (2015, 2019), (2020, 2024)]
    records = [f"/api/v1/records?country={c}&kind={k}&from={a}&to={b}&limit=50"
               for c in COUNTRIES[:8] for k in KINDS[:2] for a, b in years[:2]]
    return {
        "api_records": (20, records),
        "api_records_total": (4, [u + "&total=true" for u in records[:12]]),
        "api_ranking": (15, [f"/api/v1/arms/ranking?role={r}&from={a}&to={b}&top=20"
                             for r in ("supplier", "recipient") for a, b in years]),
        "api_partners": (8, [f"/api/v1/arms/partners/{c}?role=supplier&from=2015&to=2024"
                             for c in COUNTRIES]),
        "api_standing": (5, [f"/api/v1/standing?year={y}&top=25" for y in (2010, 2015, 2019)]),
        "api_alignment": (5, [f"/api/v1/alignment/{c}?from=2000&to=2019"
                              for c in COUNTRIES[:6]]),
        "api_countries": (5, [f"/api/v1/countries?q={q}" for q in ("tur", "gre", "ind", "ger",
                                                                    "united", "ni")]),
        "page_home": (5, ["/", "/?kind=arms_transfer&year=2019", "/?kind=exercise&year=2008"]),
        "page_country": (10, [f"/country/{c}" for c in COUNTRIES[:6]]),
        "page_records": (5, [f"/records?country={c}&kind=exercise" for c in COUNTRIES[:6]]),
        "page_arms": (5, ["/arms", *[f"/arms?country={c}" for c in COUNTRIES[:5]]]),
        "page_compare": (3, ["/compare?country=TUR&country=GRC&country=EGY",
                             "/compare?country=PAK&country=IND"]),
    }


def tail_url(name: str, rng: random.Random) -> str:
    """A long-tail request, drawn afresh each time (a new question, mostly uncached)."""
    first = rng.randint(1995, 2020)
    last = rng.randint(first, 2024)
    if name == "tail_records":
        return (f"/api/v1/records?country={rng.choice(TAIL)}&from={first}&to={last}"
                f"&limit=50")
    return f"/api/v1/arms/ranking?role={rng.choice(['supplier', 'recipient'])}" \
           f"&from={first}&to={last}&top=20"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(store: Path, port: int, workers: int) -> subprocess.Popen:
    env = dict(os.environ, DEFDIP_STORE=str(store))
    command = [sys.executable, "-m", "uvicorn", "defdip.web.app:create_app", "--factory",
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
               "--log-level", "warning", "--no-access-log"]
    server = subprocess.Popen(command, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/static/defdip.css", timeout=2).is_success:
                return server
        except httpx.HTTPError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("the server did not start within 120 s")


def rss_mb(server: subprocess.Popen) -> float:
    try:
        root = psutil.Process(server.pid)
        procs = [root, *root.children(recursive=True)]
        return sum(p.memory_info().rss for p in procs) / 2**20
    except psutil.Error:
        return float("nan")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def cold_pass(base: str, routes: dict[str, tuple[int, list[str]]]) -> dict:
    out: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    async with httpx.AsyncClient(base_url=base, timeout=600) as client:
        for name, (_weight, urls) in routes.items():
            for url in urls:
                began = time.perf_counter()
                response = await client.get(url)
                out[name].append(time.perf_counter() - began)
                errors[name] += response.status_code >= 400
    return {"times": out, "errors": errors}


class Connection:
    """One keep-alive HTTP/1.1 connection, as lean as a client can be: the load generator
    shares the machine's two cores with the server, so its own cost per request must stay
    small (httpx spends ~1 ms of CPU per request, more than a cached answer costs)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str],
                                                                    bytes]:
        if self.writer is None or self.writer.is_closing():
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.writer.write(f"GET {url} HTTP/1.1\r\nHost: {self.host}\r\n{extra}\r\n".encode())
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split()[1])
        fields = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:] if h)}
        if "content-length" in fields:
            body = await self.reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding") == "chunked":
            parts = []
            while size := int((await self.reader.readline()).strip(), 16):
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            await self.reader.readline()
            body = b"".join(parts)
        else:
            body = b""
        if fields.get("connection") == "close":
            self.writer.close()
        return status, fields, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def load(base: str, routes: dict[str, tuple[int, list[str]]], clients: int,
               seconds: float, max_requests: int, seed: int, tail: float) -> dict:
    names = [*routes, "tail_records", "tail_ranking"]
    weights = [*(routes[n][0] for n in routes), tail / 2, tail / 2]
    times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    revalidated: dict[str, int] = defaultdict(int)
    etags: dict[str, str] = {}
    done = 0
    deadline = time.monotonic() + seconds
    host, port = base.removeprefix("http://").split(":")

    async def one_client(number: int) -> None:
        nonlocal done
        rng = random.Random(seed * 1000 + number)
        connection = Connection(host, int(port))
        while time.monotonic() < deadline and done < max_requests:
            name = rng.choices(names, weights)[0]
            url = tail_url(name, rng) if name.startswith("tail_") else rng.choice(
                routes[name][1])
            headers = {}
            if name.startswith("api_") and url in etags and rng.random() < 0.1:
                headers["if-none-match"] = etags[url]
            began = time.perf_counter()
            try:
                status, fields, _body = await asyncio.wait_for(
                    connection.get(url, headers), timeout=120)
            except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError):
                errors[name] += 1
                connection.close()
                connection = Connection(host, int(port))
                continue
            times[name].append(time.perf_counter() - began)
            done += 1
            if status >= 400:
                errors[name] += 1
            elif status == 304:
                revalidated[name] += 1
            elif "etag" in fields:
                etags[url] = fields["etag"]
        connection.close()

    began = time.monotonic()
    await asyncio.gather(*(one_client(i) for i in range(clients)))
    elapsed = time.monotonic() - began
    return {"times": times, "errors": errors, "revalidated": revalidated,
            "elapsed": elapsed}


async def sample_memory(server: subprocess.Popen, every: float, into: list[tuple[float,
                                                                               float]],
                        stop: asyncio.Event) -> None:
    began = time.monotonic()
    while not stop.is_set():
        into.append((time.monotonic() - began, rss_mb(server)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)


def report(title: str, times: dict[str, list[float]], errors: dict[str, int],
           elapsed: float | None = None, revalidated: dict[str, int] | None = None) -> None:
    print(f"\n{title}")
    print(f"{'route':<20}{'n':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'max ms':>9}{'errors':>8}{'304s':>6}")
    total = 0
    for name in sorted(times):
        values = times[name]
        total += len(values)
        rate = f"{len(values) / elapsed:8.1f}" if elapsed else f"{'':>8}"
        print(f"{name:<20}{len(values):>7}{rate}{pct(values, .5) * 1e3:>9.1f}"
              f"{pct(values, .95) * 1e3:>9.1f}{pct(values, .99) * 1e3:>9.1f}"
              f"{max(values) * 1e3:>9.1f}{errors.get(name, 0):>8}"
              f"{(revalidated or {}).get(name, 0):>6}")
    if elapsed:
        print(f"{'all':<20}{total:>7}{total / elapsed:8.1f}   errors: {sum(errors.values())}"
              f"   over {elapsed:.1f} s")


async def run(args: argparse.Namespace) -> None:
    routes = mix()
    port = _free_port()
    server = start_server(args.store, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    try:
        print(f"server: {base} (workers={args.workers}), store {args.store}; "
              f"{sum(len(u) for _, u in routes.values())} distinct URLs; "
              f"RSS at start {rss_mb(server):.0f} MB; {_load_average()}")
        began = time.monotonic()
        cold = await cold_pass(base, routes)
        report(f"cold pass: each URL once, one client, nothing cached "
               f"({time.monotonic() - began:.0f} s)", cold["times"], cold["errors"])
        memory: list[tuple[float, float]] = []
        stop = asyncio.Event()
        sampler = asyncio.create_task(sample_memory(server, 1.0, memory, stop))
        weight = sum(w for w, _ in routes.values())
        tail = weight * args.tail / (100 - args.tail)
        result = await load(base, routes, args.clients, args.seconds, args.max_requests,
                            args.seed, tail)
        stop.set()
        await sampler
        print(f"at the end of the load: {_load_average()}")
        report(f"load: {args.clients} clients for {args.seconds:.0f} s", result["times"],
               result["errors"], result["elapsed"], result["revalidated"])
        rss = [m for _, m in memory]
        tenth = max(1, len(rss) // 10)
        print(f"\nserver RSS (MB): start {rss[0]:.0f}, after 10% {rss[tenth]:.0f}, "
              f"end {rss[-1]:.0f}, max {max(rss):.0f}; last-90% drift "
              f"{rss[-1] - rss[tenth]:+.0f} MB")
        api = [t for n in API_LIST for t in result["times"].get(n, [])]
        country = result["times"].get("page_country", [])
        print(f"targets: API list/ranking p95 {pct(api, .95) * 1e3:.0f} ms (< 150); "
              f"country page p95 {pct(country, .95) * 1e3:.0f} ms (< 1000); "
              f"errors {sum(result['errors'].values())} (0)")
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def _load_average() -> str:
    """The machine's load average (1, 5, 15 min) and its cores: the figures depend on what
    else runs on a shared machine."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True, help="DuckDB store file.")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=1_000_000,
                        help="Stop the load after this many requests (a bound).")
    parser.add_argument("--workers", type=int, default=1, help="Server worker processes.")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--tail", type=float, default=5.0,
                        help="Per cent of requests that are new questions (tail_* routes: "
                             "random states and year windows, mostly uncached).")
    args = parser.parse_args(argv)
    if not args.store.is_file():
        raise SystemExit(f"no store at {args.store}: run `defdip load` first")
    try:
        import uvloop  # the web extra's event loop: a cheaper client as well
    except ImportError:
        asyncio.run(run(args))
    else:
        uvloop.run(run(args))


if __name__ == "__main__":
    main()
