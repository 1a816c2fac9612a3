"""The official graphql-ws client follows `changes` on a real server, signed in by cookie."""

from __future__ import annotations

import json
import queue
import threading

import httpx

from tests.e2e.test_pokes import push_a_letter, sign_up
from tests.serving import start_server

WAIT_SECONDS = 20


def test_graphql_ws_client_gets_the_version_then_a_new_one_after_a_push(
    node, empty_database_url, tmp_path
):
    with (
        start_server(empty_database_url, tmp_path) as base,
        # Sign-up hashes eleven times with argon2 at full cost: seconds on a busy machine.
        httpx.Client(base_url=base, timeout=60) as http,
    ):
        key = sign_up(http)
        cookie = "; ".join(f"{name}={value}" for name, value in http.cookies.items())
        url = base.replace("http://", "ws://") + "/graphql"
        client = node("subscribe_changes.cjs", url, cookie, "2", str(WAIT_SECONDS * 1000))
        lines: queue.Queue = queue.Queue()

        def read_lines() -> None:
            for line in client.stdout:
                lines.put(json.loads(line))

        reader = threading.Thread(target=read_lines, daemon=True)
        reader.start()
        try:
            assert lines.get(timeout=WAIT_SECONDS) == {"data": {"changes": 0}}
            push_a_letter(http, key)
            assert lines.get(timeout=WAIT_SECONDS) == {"data": {"changes": 1}}
            assert client.wait(timeout=WAIT_SECONDS) == 0
        finally:
            if client.poll() is None:
                client.kill()
            client.wait()
            reader.join(timeout=WAIT_SECONDS)
            complaint = client.stderr.read()
            client.stdout.close()
            client.stderr.close()
            if complaint:
                print("graphql-ws client:", complaint)
