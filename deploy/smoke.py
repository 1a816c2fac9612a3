"""`make deploy-smoke`: the production topology on loopback, checked through Caddy only.

deploy/install.sh installs into .deploy-smoke/; a fresh PostgreSQL database is migrated
once; three replicas run `between serve --no-migrate` in production mode; Caddy serves
deploy/Caddyfile over HTTPS from its internal CA (deploy/topology.py). Each check below
fails when the property it names breaks.

Client retries: pushes are idempotent (a device's mutation id is applied once), so a
device retries one when a replica dies under it (502/503, a dropped connection). Only
the SIGKILL check needs that; the rolling restart must pass with no retry at all.

Environment: SMOKE_POSTGRES (default postgres://postgres@127.0.0.1:5432/postgres), an
account that may create and drop the databases SMOKE_DATABASE (default deploy_smoke) and
SMOKE_DATABASE_restored. `python deploy/smoke.py 1 5` runs only those checks.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from topology import (
    LINK,
    NEW_CODE,
    PULL,
    PUSH,
    ROOT,
    SHARE,
    Failed,
    Topology,
    check,
    database_url,
    drop,
    gql,
    letter,
    letter_body,
    ok,
    prepare,
    psql,
    pull_everything,
    register,
    sign_in,
)

WORK = ROOT / ".deploy-smoke"
DATABASE = os.environ.get("SMOKE_DATABASE", "deploy_smoke")
RESTORED = f"{DATABASE}_restored"


# --- the checks ------------------------------------------------------------------------


async def pokes_cross_replicas(topology: Topology) -> None:
    async with topology.device() as phone, topology.device() as laptop:
        await register(phone, "poked")
        check("errors" not in await sign_in(laptop, "poked"), "second device could not sign in")
        # Three sockets in a row land on the three replicas (round robin); each replica's
        # own metrics prove it.
        sockets = [await topology.websocket(laptop) for _ in topology.replicas]
        for ws in sockets:  # the first message: the version at subscribe time
            json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
        counts = [await r.open_subscriptions() for r in topology.replicas]
        check(
            all(count >= 1 for count in counts),
            f"the sockets did not reach every replica: {counts}",
        )
        pushed = await ok(
            phone,
            PUSH,
            {"device": "phone-0001", "mutations": [letter(1, str(uuid.uuid4()), "poke me")]},
        )
        version = pushed["push"]["serverVersion"]
        for ws in sockets:
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
                if message.get("type") == "next" and message["payload"]["data"]["changes"] >= (
                    version
                ):
                    break
            await ws.close()


async def pushes_survive_sigkill(topology: Topology) -> None:
    devices, per_device = 3, 250
    retries = 0

    async def push_loop(http: httpx.AsyncClient, device: str, markers: list[str]) -> None:
        nonlocal retries
        for n, marker in enumerate(markers, start=1):
            mutation = letter(n, str(uuid.uuid5(uuid.NAMESPACE_URL, f"{device}/{n}")), marker)
            for _ in range(150):
                # Retried only when the answer was lost (a dropped connection, Caddy's
                # 502 for a replica that died mid-request); a GraphQL error is a failure.
                try:
                    response = await http.post(
                        "/graphql",
                        json={
                            "query": PUSH,
                            "variables": {"device": device, "mutations": [mutation]},
                        },
                    )
                except httpx.TransportError:
                    response = None
                if response is not None and response.status_code == 200:
                    result = response.json()
                    check("errors" not in result, f"push refused: {result}")
                    status = result["data"]["push"]["results"][0]["status"]
                    check(status in ("APPLIED", "DUPLICATE"), f"push {status}: {result}")
                    break
                check(
                    response is None or response.status_code in (502, 503, 504),
                    f"push answered HTTP {response and response.status_code}",
                )
                retries += 1
                await asyncio.sleep(0.2)
            else:
                raise Failed(f"{device} could not push {marker} after 150 tries")

    async def chaos(stop: asyncio.Event) -> int:
        # One replica at a time dies and is started again; once it is back, the next.
        kills = 0
        while not stop.is_set():
            await asyncio.sleep(random.uniform(0.2, 0.6))
            replica = random.choice(topology.replicas)
            replica.signal(signal.SIGKILL)
            replica.start()
            kills += 1
            await replica.ready()
        return kills

    async with topology.device() as first:
        await register(first, "chaos")
        clients = [first] + [topology.device() for _ in range(devices - 1)]
        for http in clients[1:]:
            check("errors" not in await sign_in(http, "chaos"), "sign-in failed")
        markers = {
            f"device-{d:04}": [f"marker-{d}-{n}" for n in range(per_device)] for d in range(devices)
        }
        stop = asyncio.Event()
        killer = asyncio.create_task(chaos(stop))
        await asyncio.gather(
            *(
                push_loop(http, device, markers[device])
                for http, device in zip(clients, markers, strict=True)
            )
        )
        stop.set()
        kills = await killer
        for replica in topology.replicas:
            await replica.ready()
        records = await pull_everything(first)
        for http in clients[1:]:
            await http.aclose()
    versions = sorted(record["version"] for record in records.values())
    total = devices * per_device
    check(versions == list(range(1, total + 1)), f"versions not gapless 1..{total}: {versions}")
    bodies = sorted(letter_body(record) for record in records.values())
    check(
        bodies == sorted(m for ms in markers.values() for m in ms),
        "marker words lost or duplicated",
    )
    print(f"    {total} pushes, {kills} SIGKILLs, {retries} client retries")
    check(kills >= 2, "the chaos loop killed fewer than two replicas")


async def rolling_restart_drops_nothing(topology: Topology) -> None:
    failures: list[str] = []
    done = 0
    async with topology.device() as http:
        await register(http, "rolling")
        stop = asyncio.Event()

        async def load() -> None:
            nonlocal done
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    result = await gql(
                        http,
                        PUSH,
                        {
                            "device": "rolling-0001",
                            "mutations": [letter(n, str(uuid.uuid4()), f"rolling {n}")],
                        },
                    )
                    if "errors" in result:
                        failures.append(str(result["errors"])[:200])
                    result = await gql(http, PULL, {"cursor": None})
                    if "errors" in result:
                        failures.append(str(result["errors"])[:200])
                    done += 2
                except (httpx.TransportError, Failed) as error:
                    failures.append(repr(error)[:200])

        loops = [asyncio.create_task(load()) for _ in range(1)]
        for replica in topology.replicas:
            await asyncio.to_thread(replica.signal, signal.SIGTERM)
            replica.start()
            await replica.ready()
            await asyncio.sleep(1.5)  # Caddy's health check sees it back
        stop.set()
        await asyncio.gather(*loops)
    print(f"    {done} requests during the restart, {len(failures)} failed")
    check(not failures, f"requests failed during a rolling restart: {failures[:3]}")
    check(done > 20, "too few requests ran during the restart to mean anything")


async def held_shares_go_out_once(topology: Topology) -> None:
    count = 50
    async with topology.device() as client, topology.device() as therapist:
        await register(client, "sharer")
        await register(therapist, "listener", "THERAPIST")
        code = (await ok(therapist, NEW_CODE))["newConnectCode"]["code"]
        link = (await ok(client, LINK, {"code": code}))["linkWithTherapist"]["id"]
        letters = [str(uuid.uuid4()) for _ in range(count)]
        pushed = await ok(
            client,
            PUSH,
            {
                "device": "sharer-0001",
                "mutations": [
                    letter(n, letter_id, f"held {n}") for n, letter_id in enumerate(letters, 1)
                ],
            },
        )
        versions = [result["version"] for result in pushed["push"]["results"]]
        at = (datetime.now(UTC) + timedelta(seconds=4)).isoformat()
        for n, (letter_id, version) in enumerate(zip(letters, versions, strict=True), 1):
            await ok(
                client,
                SHARE,
                {
                    "input": {
                        "letterId": letter_id,
                        "linkId": link,
                        "delivery": "AT_TIME",
                        "deliverAt": at,
                        # The words as the device holds them, which is what a share sends.
                        "letterVersion": version,
                        "title": "smoke",
                        "body": f"held {n}",
                    }
                },
            )
        deadline = time.monotonic() + 30
        while True:
            records = await pull_everything(therapist)
            shared = [r for r in records.values() if r["kind"] == "shared_letter"]
            if len(shared) >= count or time.monotonic() > deadline:
                break
            await asyncio.sleep(1)
        await asyncio.sleep(3)  # a few more rounds of every replica's job
        records = await pull_everything(therapist)
    shared = [r for r in records.values() if r["kind"] == "shared_letter"]
    bodies = sorted(r["fields"].get("body") for r in shared)
    check(len(shared) == count, f"{len(shared)} shared letters delivered, expected {count}")
    check(
        bodies == sorted(f"held {n}" for n in range(1, count + 1)),
        "a held letter was lost or delivered twice",
    )
    versions = sorted(r["version"] for r in shared)
    check(len(set(versions)) == count, "two deliveries shared a version")


async def rate_limits_span_replicas(topology: Topology) -> None:
    per_account_and_ip = 8
    async with topology.device() as owner:
        await register(owner, "guarded")
    codes = []
    for _ in range(per_account_and_ip + 1):
        async with topology.device() as guesser:  # a new connection: round robin moves on
            result = await sign_in(guesser, "guarded", "not the password at all")
            codes.append((result.get("errors") or [{}])[0].get("extensions", {}).get("code"))
    check(
        codes[:-1] == ["INVALID_CREDENTIALS"] * per_account_and_ip,
        f"guesses were refused early: {codes}",
    )
    check(codes[-1] == "RATE_LIMITED", f"the budget was not shared across replicas: {codes}")


async def metrics_stay_inside(topology: Topology) -> None:
    # Each replica serves its metrics on its own loopback port, and they move...
    for replica in topology.replicas:
        text = await replica.metrics()
        check("between_requests_total{" in text, f"replica {replica.number} counted no request")
    # ...while the public site, through Caddy, never answers with them.
    async with topology.device() as http:
        for path in ("/metrics", "/metrics/", "/metrics?format=prometheus"):
            response = await http.get(path)
            check(
                response.status_code == 404 and "between_" not in response.text,
                f"{path} through Caddy answered {response.status_code}: {response.text[:80]}",
            )
    print("    3 replicas serve metrics on loopback; /metrics through Caddy: 404")


async def restore_from_a_dump(topology: Topology) -> None:
    async with topology.device() as http:
        check("errors" not in await sign_in(http, "chaos"), "sign-in failed")
        before = await pull_everything(http)
        dump = WORK / "between.dump"
        subprocess.run(["pg_dump", "-Fc", "-f", str(dump), database_url(DATABASE)], check=True)
        drop(RESTORED)
        psql(f"CREATE DATABASE {RESTORED}")
        subprocess.run(
            ["pg_restore", "--no-owner", "-d", database_url(RESTORED), str(dump)], check=True
        )
        # Every replica moves to the restored database, and the old one is gone.
        for replica in topology.replicas:
            replica.signal(signal.SIGKILL)
            replica.database = RESTORED
            replica.start()
        psql(f"DROP DATABASE {DATABASE} WITH (FORCE)")
        for replica in topology.replicas:
            await replica.ready()
        await asyncio.sleep(1.5)
        # The same device, with the same session, syncs from scratch.
        after = await pull_everything(http)
    check(after == before, "the restored database does not give the device what it had")
    print(f"    {len(after)} records identical after pg_dump and pg_restore")


CHECKS = [
    (
        "two devices on different replicas: a push pokes the other's subscription",
        pokes_cross_replicas,
    ),
    ("SIGKILLed replicas under pushes: no write lost or duplicated", pushes_survive_sigkill),
    ("rolling restart: zero failed requests", rolling_restart_drops_nothing),
    ("50 held shares released by 3 replicas: each delivered exactly once", held_shares_go_out_once),
    ("rate limits hold across replicas", rate_limits_span_replicas),
    ("metrics on each replica's loopback port, never through Caddy", metrics_stay_inside),
    ("pg_dump and restore: a device sees exactly what it had", restore_from_a_dump),
]


async def main(selected: list[str]) -> int:
    drop(RESTORED)
    prepare(WORK, DATABASE)
    topology = Topology(DATABASE, WORK)
    failed = 0
    started = time.monotonic()
    try:
        await topology.start()
        print(f"3 replicas behind Caddy at {topology.site}")
        for number, (name, run) in enumerate(CHECKS, start=1):
            if selected and str(number) not in selected:
                continue
            began = time.monotonic()
            try:
                await run(topology)
            except Failed as error:
                failed += 1
                print(f"FAIL {number}. {name}: {error}")
            else:
                print(f"ok   {number}. {name} ({time.monotonic() - began:.1f}s)")
    finally:
        topology.stop()
        with contextlib.suppress(subprocess.CalledProcessError):
            drop(DATABASE, RESTORED)
    print(
        f"{'FAILED' if failed else 'passed'} in {time.monotonic() - started:.0f}s"
        f" (logs in {WORK.relative_to(ROOT)}/)"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1:])))
