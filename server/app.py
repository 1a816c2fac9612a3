"""create_app(settings): routes, middleware and the lifespan. Nothing else lives here."""

from __future__ import annotations

import asyncio
import contextlib
from contextlib import asynccontextmanager
from datetime import timedelta

from argon2 import PasswordHasher
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route, WebSocketRoute
from tortoise.contrib.starlette import RegisterTortoise

from server.auth.passwords import Hasher
from server.auth.service import Accounts
from server.auth.sessions import Expiry
from server.auth.throttle import GuessThrottle
from server.db import forget_cached_sql, tortoise_config
from server.domains import leaving
from server.graphql.view import GraphQLEndpoint
from server.health import healthz, readyz
from server.housekeeping import keep_house
from server.middleware import CompressAnswers, RequestGuard, SecurityHeaders
from server.observe import Observe
from server.pwa import AppFiles, ServiceWorker
from server.ratelimits import budgets_for
from server.settings import Settings, load_settings
from server.sync.pokes import Pokes


def create_app(
    settings: Settings | None = None, *, password_hasher: PasswordHasher | None = None
) -> Starlette:
    """The whole server. `password_hasher` lets tests use cheap argon2 parameters."""
    settings = settings or load_settings()
    hasher = Hasher(
        settings.password_hash_workers,
        settings.password_hash_queue,
        password_hasher or PasswordHasher(),
    )
    pokes = Pokes(settings.database_url)
    accounts = Accounts(
        hasher=hasher,
        throttle=GuessThrottle(
            budgets_for(
                settings.database_url, settings.rate_limit_storage, settings.rate_limit_secret
            )
        ),
        expiry=Expiry(
            idle=timedelta(days=settings.session_idle_days),
            absolute=timedelta(days=settings.session_absolute_days),
        ),
        seed_secret=settings.rate_limit_secret,
        leaving=leaving(pokes),
        # Every process closes the websockets of sessions that ended.
        sessions_ended=[pokes.sessions_ended],
    )

    @asynccontextmanager
    async def lifespan(app: Starlette):
        forget_cached_sql()
        # RegisterTortoise keeps one ORM context per process, visible to every request.
        async with RegisterTortoise(app, config=tortoise_config(settings.database_url)):
            await pokes.start()
            housekeeping = asyncio.create_task(keep_house(pokes, settings))
            try:
                yield
            finally:
                housekeeping.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await housekeeping
                await pokes.stop()
                hasher.close()

    graphql = GraphQLEndpoint(settings, accounts, pokes)

    app = Starlette(
        routes=[
            Route("/healthz", healthz, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            # Every method, so that the endpoint itself refuses the others in our shape.
            Route("/graphql", graphql),
            WebSocketRoute("/graphql", graphql),
            Route("/sw.js", ServiceWorker(settings.pwa_dir).answer, methods=["GET"]),
            Mount("/", AppFiles(directory=settings.pwa_dir, html=True), name="pwa"),
        ],
        middleware=[
            # Outermost, so that every answer, refusals included, is counted and logged.
            Middleware(Observe),
            Middleware(SecurityHeaders, settings=settings),
            Middleware(RequestGuard, settings=settings),
            Middleware(CompressAnswers),
        ],
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.accounts = accounts
    app.state.pokes = pokes
    return app
