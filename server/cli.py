"""The `between` command: serve, migrate, schema, verify-access-log."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from types import FrameType

import uvicorn

from server.settings import PROJECT_ROOT, Settings, load_settings

SCHEMA_FILE = PROJECT_ROOT / "schema" / "schema.graphql"
PROXY_KEEPALIVE_SECONDS = 75


def uvicorn_options(settings: Settings) -> dict:
    """How `serve` runs uvicorn. The client address, which every per-address rate limit
    counts by, is taken from X-Forwarded-For only when the peer is a trusted proxy;
    anyone else could write any address there."""
    from server.graphql.websocket import MAX_MESSAGE_BYTES
    from server.logs import logging_config

    return dict(
        host=settings.host,
        port=settings.port,
        proxy_headers=bool(settings.forwarded_allow_ips),
        forwarded_allow_ips=list(settings.forwarded_allow_ips),
        server_header=False,
        log_level="info",
        # One line per request comes from the app (server/observe.py), with its id and
        # without the query string, which uvicorn's own access line would print.
        log_config=logging_config(settings.log_format),
        access_log=False,
        # The websocket carries only small subscription messages: uvicorn refuses larger
        # frames before reading them, and pokes of a few bytes gain nothing from deflate,
        # which costs memory on every open socket.
        ws_max_size=MAX_MESSAGE_BYTES,
        ws_per_message_deflate=False,
        # Idle keep-alive connections stay open longer than the proxy keeps them in its
        # pool (Caddy: 30 s, deploy/Caddyfile), so the proxy is never the one to send a
        # request down a connection this end has just closed (a 502 for a POST).
        timeout_keep_alive=PROXY_KEEPALIVE_SECONDS,
        # In-flight requests get this long to finish once the shutdown begins.
        timeout_graceful_shutdown=settings.shutdown_grace_seconds,
    )


class DrainingServer(uvicorn.Server):
    """uvicorn, with a drain before its graceful shutdown. On SIGTERM (or SIGINT) the app
    first turns unready for `drain_seconds` while still serving, so that a load balancer
    checking /readyz sends new requests elsewhere; then uvicorn stops accepting, closes
    websockets with 1012 ("service restart"), and lets requests in flight finish. A
    second signal skips what is left of the drain."""

    def __init__(self, config: uvicorn.Config, app, drain_seconds: float) -> None:
        super().__init__(config)
        self.app = app
        self.drain_seconds = drain_seconds
        self.drain_until: float | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.drain_until is None and self.drain_seconds > 0 and not self.should_exit:
            self.app.state.draining = True
            self.drain_until = time.monotonic() + self.drain_seconds
            return
        super().handle_exit(sig, frame)

    async def on_tick(self, counter: int) -> bool:
        if self.drain_until is not None and time.monotonic() >= self.drain_until:
            self.should_exit = True
        return await super().on_tick(counter)


def serve(args: argparse.Namespace) -> None:
    from server.app import create_app
    from server.db import migrate
    from server.metrics import start_metrics_server

    given = (("host", args.host), ("port", args.port), ("metrics_port", args.metrics_port))
    settings = load_settings(**{k: v for k, v in given if v is not None})
    if not args.no_migrate:
        migrate(settings.database_url)
    app = create_app(settings)
    config = uvicorn.Config(app, **uvicorn_options(settings))
    metrics = None
    if settings.metrics_port:
        metrics = start_metrics_server(settings.metrics_host, settings.metrics_port)
    try:
        DrainingServer(config, app, settings.drain_seconds).run()
    finally:
        if metrics is not None:
            metrics.shutdown()


def migrate_only(args: argparse.Namespace) -> None:
    from server.db import migrate

    settings = load_settings()
    migrate(settings.database_url, args.revision)
    print(f"Database is at revision {args.revision}.")


def schema(args: argparse.Namespace) -> None:
    from server.graphql.schema import export_sdl

    sdl = export_sdl()
    if args.output == "-":
        sys.stdout.write(sdl)
        return
    Path(args.output).write_text(sdl, encoding="utf-8")
    print(f"Wrote {args.output}")


def verify_access_log(args: argparse.Namespace) -> None:
    import asyncio

    from tortoise import Tortoise

    from server.db import tortoise_config
    from server.sharing.access_log import verify

    async def check():
        await Tortoise.init(config=tortoise_config(load_settings().database_url))
        try:
            return await verify()
        finally:
            await Tortoise.close_connections()

    verdict = asyncio.run(check())
    for problem in verdict.problems:
        print(problem)
    if verdict.problems:
        print(f"The access log is NOT intact: {len(verdict.problems)} problem(s).")
        sys.exit(1)
    print(f"The access log is intact: {verdict.count} entries, last hash {verdict.head}.")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="between", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve_cmd = commands.add_parser("serve", help="apply migrations, then serve the app")
    serve_cmd.add_argument("--host", help="overrides BETWEEN_HOST")
    serve_cmd.add_argument("--port", type=int, help="overrides BETWEEN_PORT")
    serve_cmd.add_argument(
        "--metrics-port",
        type=int,
        help="overrides BETWEEN_METRICS_PORT: Prometheus metrics on BETWEEN_METRICS_HOST",
    )
    serve_cmd.add_argument(
        "--no-migrate",
        action="store_true",
        help="serve only; with several replicas `between migrate` runs once, before them",
    )
    serve_cmd.set_defaults(run=serve)

    migrate_cmd = commands.add_parser("migrate", help="apply migrations only")
    migrate_cmd.add_argument("revision", nargs="?", default="head")
    migrate_cmd.set_defaults(run=migrate_only)

    schema_cmd = commands.add_parser("schema", help="export the GraphQL SDL")
    schema_cmd.add_argument("--output", default=str(SCHEMA_FILE), help="a path, or - for stdout")
    schema_cmd.set_defaults(run=schema)

    verify_cmd = commands.add_parser(
        "verify-access-log", help="check the access log's hash chain; exit 1 if broken"
    )
    verify_cmd.set_defaults(run=verify_access_log)

    args = parser.parse_args(argv)
    args.run(args)


if __name__ == "__main__":
    main()
