"""What every request passes: the body size limit, the API key and the page's security headers.

The middlewares are plain ASGI (no `BaseHTTPMiddleware`), so they cost next to nothing per request.
"""

from __future__ import annotations

import hmac
import json
from typing import Any, Awaitable, Callable

from fastapi import Header, HTTPException

__all__ = ["BodyLimit", "SecurityHeaders", "api_key_check", "CSP"]

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

#: The review page loads nothing but its own files and runs no inline script.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_FREE_OF_CSP = ("/docs", "/redoc")  # FastAPI's API docs load their own scripts


async def _too_large(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"request body over {limit:,} bytes; send fewer or shorter texts"}).encode()
    await send({"type": "http.response.start", "status": 413, "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Answers 413 to a request body over `limit` bytes: at once when its Content-Length says
    so, else as soon as that many bytes have come."""

    def __init__(self, app: Callable, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await _too_large(send, self.limit)
            return
        seen = 0

        async def counted() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise HTTPException(413, f"request body over {self.limit:,} bytes; send fewer or shorter texts")
            return message

        await self.app(scope, counted, send)


class SecurityHeaders:
    """Adds ``X-Content-Type-Options``, ``Referrer-Policy`` and (except on the API docs) the
    Content-Security-Policy `CSP` to every response."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
        if not scope["path"].startswith(_FREE_OF_CSP):
            extra.append((b"content-security-policy", CSP.encode()))

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


def api_key_check(key: str | None) -> Callable[..., None]:
    """A FastAPI dependency: 401 unless the ``X-API-Key`` header equals `key` (no check when
    `key` is None). Compared in constant time."""

    def check(x_api_key: str | None = Header(None, description="The service's API key, when it has one.")) -> None:
        if key is None:
            return
        if x_api_key is None or not hmac.compare_digest(x_api_key.encode("utf-8"), key.encode("utf-8")):
            raise HTTPException(401, "missing or wrong X-API-Key header", headers={"WWW-Authenticate": "X-API-Key"})

    return check
