"""Plain ASGI middleware: request guards, security headers, compressed API answers."""

from __future__ import annotations

import zlib
from urllib.parse import urlsplit

import anyio.to_thread
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from server.accept import asks_for, takes_encoding
from server.errors import ErrorCode, error_body
from server.observe import note_outcome
from server.settings import Settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_PATHS = ("/graphql", "/healthz", "/readyz")
# An answer this small goes in one TCP segment whether compressed or not.
COMPRESS_FROM_BYTES = 1400
# How much of an answer is tried at level 1 to choose how to compress it.
COMPRESS_SAMPLE_BYTES = 16 * 1024
# Larger answers are compressed on a worker thread, so that other requests go on.
COMPRESS_IN_THREAD_BYTES = 128 * 1024
# zlib's window bits for a gzip header and trailer.
GZIP_WBITS = 16 + zlib.MAX_WBITS

# 'wasm-unsafe-eval' lets the device compile the vendored Argon2 WebAssembly (key
# derivation happens on the device); it allows no JavaScript eval.
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; manifest-src 'self'; worker-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


async def refuse(send: Send, status: int, code: ErrorCode, message: str) -> None:
    note_outcome(code.value)
    body = error_body(code, message)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _origin_of(scope: Scope, headers: Headers) -> str:
    scheme = "https" if scope.get("scheme") in ("https", "wss") else "http"
    return f"{scheme}://{headers.get('host', '')}"


class RequestGuard:
    """Refuse cross-site writes, non-JSON GraphQL posts and oversized bodies."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        method = scope["method"]
        if method not in SAFE_METHODS:
            problem = self._write_problem(scope, headers)
            if problem:
                await refuse(send, *problem)
                return
        if scope["path"] == "/graphql" and method == "POST":
            content_type = headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type != "application/json":
                await refuse(send, 415, ErrorCode.BAD_REQUEST, "Send GraphQL as a JSON POST.")
                return
        limit = self.settings.max_request_bytes
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await refuse(send, 413, ErrorCode.BAD_INPUT, "That request is too large.")
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, self._capped(receive, limit), tracking_send)
        except BodyTooLarge:
            if started:
                raise
            await refuse(send, 413, ErrorCode.BAD_INPUT, "That request is too large.")

    def _write_problem(self, scope: Scope, headers: Headers):
        origin = headers.get("origin")
        if origin is not None:
            own = _origin_of(scope, headers)
            allowed = {own, *self.settings.allowed_origins}
            scheme = urlsplit(origin).scheme
            if origin.rstrip("/") not in allowed or scheme not in ("http", "https"):
                return 403, ErrorCode.FORBIDDEN, "Requests from other sites are not accepted."
        if headers.get("sec-fetch-site") == "cross-site":
            return 403, ErrorCode.FORBIDDEN, "Requests from other sites are not accepted."
        return None

    @staticmethod
    def _capped(receive: Receive, limit: int) -> Receive:
        """Count streamed body bytes, for requests that send no Content-Length."""
        seen = 0

        async def capped_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge
            return message

        return capped_receive


class BodyTooLarge(Exception):
    """A streamed request body went past BETWEEN_MAX_REQUEST_BYTES."""


class SecurityHeaders:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.production = settings.production

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        # The development-only GraphiQL page needs inline script; nothing else does.
        ide_page = (
            not self.production
            and path == "/graphql"
            and scope["method"] == "GET"
            and asks_for(Headers(scope=scope).get("accept"), "text/html")
        )

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if not ide_page:
                    headers["Content-Security-Policy"] = CSP
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                headers["X-Frame-Options"] = "DENY"
                headers["Cross-Origin-Opener-Policy"] = "same-origin"
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
                if self.production:
                    headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
                if path.startswith(API_PATHS):
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class CompressAnswers:
    """GraphQL answers over COMPRESS_FROM_BYTES go out gzipped, to a client that takes
    gzip. The PWA's files are compressed once each by server/pwa.py; websockets are not
    touched.

    A first sync is megabytes, mostly sealed envelopes: base64 of random bytes, which no
    match-finding shrinks, while Huffman coding alone takes its quarter (64 symbols in 8
    bits) at a fraction of the CPU. Pages of small records are mostly JSON around short
    envelopes, which level 1 shrinks by more than half. So a sample of each answer
    chooses: level 1 where it pays, Huffman coding alone where it does not."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not (
            scope["type"] == "http"
            and scope["path"] == "/graphql"
            and takes_encoding(Headers(scope=scope).get("accept-encoding"), "gzip")
        ):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def compressing_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._answer(start, b"".join(chunks), send)

        await self.app(scope, receive, compressing_send)

    @staticmethod
    async def _answer(start: Message, body: bytes, send: Send) -> None:
        headers = MutableHeaders(scope=start)
        if len(body) >= COMPRESS_FROM_BYTES and "content-encoding" not in headers:
            if len(body) >= COMPRESS_IN_THREAD_BYTES:
                body = await anyio.to_thread.run_sync(gzipped, body)
            else:
                body = gzipped(body)
            headers["Content-Encoding"] = "gzip"
            headers["Content-Length"] = str(len(body))
            headers.add_vary_header("Accept-Encoding")
        await send(start)
        await send({"type": "http.response.body", "body": body})


def gzipped(body: bytes) -> bytes:
    """`body` as gzip: level 1 if a sample of it halves, else Huffman coding alone."""
    sample = body[:COMPRESS_SAMPLE_BYTES]
    trial = zlib.compressobj(1, zlib.DEFLATED, GZIP_WBITS)
    halves = len(trial.compress(sample) + trial.flush()) * 2 <= len(sample)
    strategy = zlib.Z_DEFAULT_STRATEGY if halves else zlib.Z_HUFFMAN_ONLY
    compressor = zlib.compressobj(1, zlib.DEFLATED, GZIP_WBITS, 8, strategy)
    return compressor.compress(body) + compressor.flush()
