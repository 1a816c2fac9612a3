"""`/healthz`: the process is up and its database answers."""

from starlette.requests import Request
from starlette.responses import JSONResponse
from tortoise import connections


async def healthz(request: Request) -> JSONResponse:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})
