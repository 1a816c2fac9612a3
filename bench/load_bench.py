"""`make bench-load`: simulated devices through Caddy against 1 and then 3 replicas.

The production topology of the smoke test (deploy/topology.py: PostgreSQL, replicas in
production mode, Caddy over HTTPS). Each device holds a live graphql-transport-ws
subscription and, in a closed loop with no pause, mostly pulls (an idle pull: nothing
new) and now and then pushes an edit of its own letter, which pokes the subscriptions of
the account's other device. Two devices per account, each from a loopback address of
its own, so per-address budgets apply as they would to people.

The load runs in a process of its own (this file with --generate), so that the servers
and the clients do not share an interpreter. Printed for each topology: throughput,
latency percentiles by operation, errors, each replica's resident memory and CPU, and
the memory an open subscription costs (resident memory with every subscription open,
less before they opened, per subscription).

    python bench/load_bench.py [--devices 100] [--seconds 30] [--replicas 1 3]

Needs caddy and PostgreSQL (SMOKE_POSTGRES, as the smoke test; the database is
BENCH_DATABASE, default bench_load, made afresh).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "deploy"))
# The topology lives beside the smoke test, which runs it too.
from topology import (
    PULL,
    PUSH,
    ROOT,
    Site,
    Topology,
    database_url,
    drop,
    letter,
    prepare,
    register,
    sign_in,
)

WORK = ROOT / ".bench-load"
DATABASE = os.environ.get("BENCH_DATABASE", "bench_load")
DEVICES_FILE = WORK / "devices.json"
GENERATOR = [sys.executable, __file__, "--generate"]
PUSH_SHARE = 0.1
SUBSCRIBING_AT_ONCE = 16


def address(n: int) -> str:
    return f"127.0.{n // 250 + 1}.{n % 250 + 1}"


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# --- the load generator (its own process) ------------------------------------------------


class Device:
    def __init__(self, site: Site, number: int) -> None:
        self.number = number
        self.address = address(number)
        self.http = site.device(self.address)
        self.id = f"load-{uuid.uuid4().hex[:12]}"
        self.letter = str(uuid.uuid4())
        self.mutation = 0
        self.version: int | None = None
        self.cursor: str | None = None
        self.ws = None


def with_sessions(site: Site, count: int) -> list[Device]:
    devices = [Device(site, n) for n in range(count)]
    for device, cookies in zip(devices, json.loads(DEVICES_FILE.read_text()), strict=False):
        device.http.cookies.update(cookies)
    return devices


async def subscribe(site: Site, devices: list[Device]) -> None:
    places = asyncio.Semaphore(SUBSCRIBING_AT_ONCE)

    async def one(device: Device) -> None:
        async with places:
            device.ws = await site.websocket(device.http, device.address)
            json.loads(await device.ws.recv())  # the version at subscribe time

    await asyncio.gather(*(one(d) for d in devices))


async def load(devices: list[Device], seconds: float) -> dict:
    latencies: dict[str, list[float]] = {"pull": [], "push": []}
    errors: list[str] = []
    pokes = 0
    stop = time.monotonic() + seconds

    async def listen(device: Device) -> None:
        nonlocal pokes
        with contextlib.suppress(Exception):
            async for _message in device.ws:
                pokes += 1

    async def run(device: Device) -> None:
        while time.monotonic() < stop:
            pushing = random.random() < PUSH_SHARE  # noqa: S311 (a mix, not a secret)
            if pushing:
                device.mutation += 1
                body = f"an edit, {device.mutation} of {device.id}"
                query = PUSH
                edit = letter(device.mutation, device.letter, body)
                edit["baseVersion"] = device.version  # an edit of what it last stored
                variables = {"device": device.id, "mutations": [edit]}
            else:
                query, variables = PULL, {"cursor": device.cursor}
            began = time.perf_counter()
            try:
                response = await device.http.post(
                    "/graphql", json={"query": query, "variables": variables}
                )
            except httpx.HTTPError as error:
                errors.append(type(error).__name__)
                continue
            took = time.perf_counter() - began
            if response.status_code != 200 or "errors" in response.json():
                errors.append(f"HTTP {response.status_code} {response.text[:120]}")
                continue
            data = response.json()["data"]
            if pushing:
                [outcome] = data["push"]["results"]
                if outcome["status"] not in ("APPLIED", "MERGED"):
                    errors.append(f"push {outcome['status']}")
                    continue
                device.version = outcome["version"]
            else:
                page = data["pull"]
                device.cursor = page["cursor"]
            latencies["push" if pushing else "pull"].append(took)

    listeners = [asyncio.create_task(listen(d)) for d in devices]
    began = time.monotonic()
    await asyncio.gather(*(run(d) for d in devices))
    elapsed = time.monotonic() - began
    for device in devices:
        await device.ws.close()
    for listener in listeners:
        listener.cancel()
    both = latencies["pull"] + latencies["push"]
    return {
        "seconds": elapsed,
        "requests": len(both),
        "errors": len(errors),
        "error_examples": sorted(set(errors))[:3],
        "pokes": pokes,
        "latency": {
            name: {
                "count": len(values),
                **{f"p{int(q * 100)}": percentile(values, q) for q in (0.5, 0.95, 0.99)},
            }
            for name, values in (("all", both), *latencies.items())
        },
        "cpu_seconds": time.process_time(),
    }


async def generate(port: int, ca: str, count: int, seconds: float) -> None:
    """Talks with the parent on stdout and stdin: each phase waits for a line."""
    site = Site(port, Path(ca))
    devices = with_sessions(site, count)
    print("signed-in", flush=True)
    sys.stdin.readline()
    await subscribe(site, devices)
    print("subscribed", flush=True)
    sys.stdin.readline()
    result = await load(devices, seconds)
    for device in devices:
        await device.http.aclose()
    print(json.dumps(result), flush=True)


# --- the servers' side -----------------------------------------------------------------


async def make_accounts(count: int) -> None:
    """Accounts and signed-in sessions for `count` devices, two to an account, written to
    DEVICES_FILE. Made by the app itself in this process, with cheap argon2 parameters:
    sign-up hashing is not what this measures, and would take minutes at full cost."""
    from argon2 import PasswordHasher
    from asgi_lifespan import LifespanManager

    from server.app import create_app
    from server.settings import Settings

    settings = Settings(database_url=database_url(DATABASE), production=True)
    app = create_app(settings, password_hasher=PasswordHasher(time_cost=1, memory_cost=1024))
    sessions = []
    async with LifespanManager(app):
        for n in range(count):
            transport = httpx.ASGITransport(app=app, client=(address(n), 40000))
            origin = "https://localhost"
            async with httpx.AsyncClient(
                transport=transport, base_url=origin, headers={"origin": origin}
            ) as http:
                username = f"load{n // 2:04}"
                if n % 2 == 0:
                    await register(http, username)
                else:
                    result = await sign_in(http, username)
                    assert "errors" not in result, result
                sessions.append(dict(http.cookies.items()))
    DEVICES_FILE.write_text(json.dumps(sessions))


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def open_subscriptions(topology: Topology) -> int:
    total = 0.0
    for replica in topology.replicas:
        for line in (await replica.metrics()).splitlines():
            if line.startswith("between_open_subscriptions "):
                total += float(line.split()[1])
    return int(total)


async def measure(count: int, devices: int, seconds: float) -> dict:
    topology = Topology(DATABASE, WORK, count)
    await topology.start()
    size = ["--devices", str(devices), "--seconds", str(seconds)]
    generator = subprocess.Popen(
        [*GENERATOR, str(topology.site_port), str(topology.ca), *size],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    pids = [replica.process.pid for replica in topology.replicas]
    try:

        def phase(expected: str) -> None:
            line = generator.stdout.readline().strip()
            if line != expected:
                raise SystemExit(f"the load generator said {line!r}, not {expected!r}")

        await asyncio.to_thread(phase, "signed-in")
        await asyncio.sleep(2)  # the sign-in storm's hashing settles
        before = [rss_bytes(pid) for pid in pids]
        generator.stdin.write("\n")
        generator.stdin.flush()
        await asyncio.to_thread(phase, "subscribed")
        await asyncio.sleep(1)
        subscribed = [rss_bytes(pid) for pid in pids]
        open_count = await open_subscriptions(topology)
        cpu_before = [cpu_seconds(pid) for pid in pids]
        caddy_cpu_before = cpu_seconds(topology.caddy.pid)
        generator.stdin.write("\n")
        generator.stdin.flush()
        peak = list(subscribed)
        result_line = ""
        reading = asyncio.create_task(asyncio.to_thread(generator.stdout.readline))
        while not reading.done():
            peak = [max(p, rss_bytes(pid)) for p, pid in zip(peak, pids, strict=True)]
            await asyncio.sleep(0.5)
        result_line = reading.result()
        result = json.loads(result_line)
        result["cpu"] = [
            (cpu_seconds(pid) - before_cpu) / result["seconds"]
            for pid, before_cpu in zip(pids, cpu_before, strict=True)
        ]
        result["caddy_cpu"] = (cpu_seconds(topology.caddy.pid) - caddy_cpu_before) / result[
            "seconds"
        ]
        result["rss_before"] = before
        result["rss_subscribed"] = subscribed
        result["rss_peak"] = peak
        result["open_subscriptions"] = open_count
        result["per_subscription"] = (sum(subscribed) - sum(before)) / max(open_count, 1)
        result["caddy_rss"] = rss_bytes(topology.caddy.pid)
        return result
    finally:
        generator.wait(timeout=60)
        topology.stop()


def report(count: int, devices: int, result: dict) -> None:
    mib = 1024 * 1024
    print(f"\n{count} replica(s), {devices} devices, {result['seconds']:.0f} s of load")
    print(
        f"  throughput {result['requests'] / result['seconds']:.0f} requests/s"
        f" ({result['requests']} requests), errors {result['errors']}"
        f"{' ' + str(result['error_examples']) if result['errors'] else ''},"
        f" pokes received {result['pokes']}"
    )
    for name, figures in result["latency"].items():
        print(
            f"  {name:5} n={figures['count']:6}  p50 {figures['p50'] * 1000:6.0f} ms"
            f"  p95 {figures['p95'] * 1000:6.0f} ms  p99 {figures['p99'] * 1000:6.0f} ms"
        )
    for n, (before, subscribed, peak, cpu) in enumerate(
        zip(
            result["rss_before"],
            result["rss_subscribed"],
            result["rss_peak"],
            result["cpu"],
            strict=True,
        ),
        start=1,
    ):
        print(
            f"  replica {n}: RSS {before / mib:.0f} MiB before the sockets,"
            f" {subscribed / mib:.0f} MiB with them, peak {peak / mib:.0f} MiB;"
            f" CPU {cpu * 100:.0f}% of a core"
        )
    print(
        f"  {result['open_subscriptions']} open subscriptions:"
        f" {result['per_subscription'] / 1024:.0f} kB each;"
        f" Caddy RSS {result['caddy_rss'] / mib:.0f} MiB, CPU {result['caddy_cpu'] * 100:.0f}%;"
        f" load generator CPU {result['cpu_seconds'] / result['seconds'] * 100:.0f}% of a core"
    )


async def main(args: argparse.Namespace) -> None:
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} before the run")
    prepare(WORK, DATABASE)
    try:
        await make_accounts(args.devices)
        for count in args.replicas:
            result = await measure(count, args.devices, args.seconds)
            report(count, args.devices, result)
    finally:
        drop(DATABASE)
    print(f"\nload average {os.getloadavg()[0]:.2f} after the run")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--replicas", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--generate", nargs=2, metavar=("PORT", "CA"), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.generate:
        port, ca = arguments.generate
        asyncio.run(generate(int(port), ca, arguments.devices, arguments.seconds))
    else:
        asyncio.run(main(arguments))
