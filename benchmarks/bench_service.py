"""Load test of `screener serve` on loopback: 8 concurrent clients, 1,000 ``POST /v1/screen``
over shipped ads (examples and the synthetic-v2 test split), then 1,000 ``POST /v1/reviews``
counted back from the store (lost reviews must be 0).

Each setup starts its own server process (a fresh reviews database, no access log) and is run
``--runs`` times; the medians of the runs are printed. Setups: ``threads`` (one server process,
2 screening threads), ``processes`` (2 server processes sharing the port, 2 threads each) and
``processes1`` (2 processes, 1 thread each: the advised setup).

    python benchmarks/bench_service.py [--runs 3] [--setups threads processes]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETUPS = {
    "threads": ["--workers", "1", "--threads", "2"],
    "processes": ["--workers", "2", "--threads", "2"],
    "processes1": ["--workers", "2", "--threads", "1"],
}
CLIENTS = 8
REQUESTS = 1_000


def ads() -> list[str]:
    with (ROOT / "corpora" / "examples" / "ads.csv").open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)]
    with gzip.open(ROOT / "corpora" / "synthetic-v2" / "test.csv.gz", "rt", encoding="utf-8") as handle:
        texts += [row["text"] for _, row in zip(range(476), csv.DictReader(handle))]
    return texts


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(setup: str, db: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [sys.executable, "-c", "from screener.cli import main; main()", "serve", "--port", str(port), "--db", str(db), "--no-access-log", *SETUPS[setup]]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError(f"the {setup} server did not start")


def load(port: int, path: str, bodies: list[dict]) -> dict[str, float]:
    """POST every body with `CLIENTS` threads (one keep-alive connection each); latency figures."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    queue = iter(enumerate(bodies))

    def client() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                item = next(queue, None)
            if item is None:
                return
            payload = json.dumps(item[1]).encode("utf-8")
            began = time.perf_counter()
            try:
                connection.request("POST", path, payload, {"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                ok = response.status in (200, 201)
            except OSError:
                ok = False
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            spent = time.perf_counter() - began
            with lock:
                latencies.append(spent)
                errors += not ok

    began = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    ordered = sorted(latencies)
    return {
        "requests": len(ordered),
        "errors": errors,
        "throughput_rps": len(ordered) / wall,
        "p50_ms": 1000 * ordered[len(ordered) // 2],
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
    }


def total_reviews(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/v1/reviews?limit=1")
    return json.loads(connection.getresponse().read())["total"]


def run(setup: str, texts: list[str]) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        server, port = start(setup, Path(folder) / "reviews.sqlite")
        try:
            load(port, "/v1/screen", [{"text": t} for t in texts[:50]])  # warm up
            screen = load(port, "/v1/screen", [{"text": texts[i % len(texts)]} for i in range(REQUESTS)])
            reviews = load(port, "/v1/reviews", [{"text": texts[i % len(texts)], "decision": "unsure", "ad_id": f"bench-{i}"} for i in range(REQUESTS)])
            lost = REQUESTS - total_reviews(port)
        finally:
            server.terminate()
            server.wait(timeout=60)
    return {**screen, "review_p50_ms": reviews["p50_ms"], "review_p99_ms": reviews["p99_ms"], "review_errors": reviews["errors"], "lost_reviews": lost}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--setups", nargs="+", choices=sorted(SETUPS), default=list(SETUPS))
    options = parser.parse_args()
    texts = ads()
    print(f"{os.cpu_count()} cores; {CLIENTS} clients; {REQUESTS} requests per run; medians of {options.runs} runs")
    print(f"{'setup':<10} {'rps':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6} | {'review p50':>10} {'review p99':>10} {'lost':>5}")
    for setup in options.setups:
        runs = [run(setup, texts) for _ in range(options.runs)]
        median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
        worst = {key: max(r[key] for r in runs) for key in ("errors", "review_errors", "lost_reviews")}
        print(
            f"{setup:<10} {median['throughput_rps']:7.0f} {median['p50_ms']:7.1f} {median['p99_ms']:7.1f} {worst['errors']:6d} | "
            f"{median['review_p50_ms']:10.1f} {median['review_p99_ms']:10.1f} {worst['lost_reviews']:5d}"
        )
        print("  runs: " + json.dumps([{k: round(v, 1) for k, v in r.items()} for r in runs]))


if __name__ == "__main__":
    main()
