"""`/healthz`: the process is up and its database answers. `/readyz`: this replica
should get traffic: its database answers, the schema is at the code's head revision,
and it is not draining for a shutdown. Load balancers check the second."""

from __future__ import annotations

from functools import cache

from alembic.script import ScriptDirectory
from starlette.requests import Request
from starlette.responses import JSONResponse
from tortoise import connections

from server.database_url import alembic_config


async def healthz(request: Request) -> JSONResponse:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


@cache
def older_revisions() -> frozenset[str]:
    """The revisions this code ships, except its head: read once per process."""
    # Any URL will do: only the script folder is read.
    scripts = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = scripts.get_current_head()
    return frozenset(script.revision for script in scripts.walk_revisions()) - {head}


def behind(revisions: list[str]) -> bool:
    """Whether the schema lacks migrations this code needs. A revision this code does not
    know is a newer one: during a rolling upgrade the schema moves on first, and the old
    replicas keep serving until their turn (migrations stay backward compatible for one
    release, docs/deploy.md)."""
    return not revisions or any(revision in older_revisions() for revision in revisions)


def unready(reason: str) -> JSONResponse:
    return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)


async def readyz(request: Request) -> JSONResponse:
    if getattr(request.app.state, "draining", False):
        return unready("draining")
    try:
        _, rows = await connections.get("default").execute_query(
            "SELECT version_num FROM alembic_version"
        )
    except Exception:
        # Either the database is down, or it was never migrated (no alembic_version).
        try:
            await connections.get("default").execute_query("SELECT 1")
        except Exception:
            return unready("database-unreachable")
        return unready("migrations-behind")
    if behind([row["version_num"] for row in rows]):
        return unready("migrations-behind")
    return JSONResponse({"status": "ready"})
