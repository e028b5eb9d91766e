"""The service's guards: a bearer token on every write, a body size limit, images only from their root.

The token and size checks are one ASGI middleware (:class:`Guard`) in front of the whole app,
so they run before FastAPI reads or parses a body: an unauthenticated client gets 401 for a
malformed or oversized body too, and no route can be added that writes without a token
(every method but GET / HEAD / OPTIONS is a write here).
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from samesku.serve.metrics import Metrics

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: methods that only read; every other method needs the token
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: request bodies larger than this answer 413 (a batch of 1,000 offers is well under 2 MiB)
DEFAULT_MAX_BODY = 4 * 1024 * 1024


def token_matches(given: str | None, expected: str) -> bool:
    """Constant-time comparison of a presented token with the configured one."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def bearer(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, if any."""
    for name, value in headers:
        if name.lower() == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" and token.strip() else None
    return None


async def _answer(send: Send, status: int, detail: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """ASGI middleware: metrics for every request; for writes the token, then the body size limit.

    Args:
        app: the FastAPI app.
        token: the configured token; None refuses every write (never open).
        token_env: the variable the token comes from (named in the refusal).
        max_body: bytes a request body may have (Content-Length and the bytes actually streamed).
        metrics: where request counts and latencies go.
    """

    def __init__(self, app: ASGIApp, *, token: str | None, token_env: str, max_body: int, metrics: Metrics) -> None:
        self.app, self.token, self.token_env, self.max_body, self.metrics = app, token, token_env, max_body, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        status = {"code": 500}

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = int(message["status"])
            await send(message)

        try:
            await self._guarded(scope, receive, counting_send)
        finally:
            route = scope.get("route")
            label = getattr(route, "path", None) or "unmatched"
            self.metrics.observe(scope.get("method", ""), label, status["code"], time.perf_counter() - t0)

    async def _guarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method", "GET") in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        if self.token is None:
            await _answer(send, 403, f"writes are disabled: no token is configured; set the {self.token_env} "
                                     "environment variable and restart the service")
            return
        if not token_matches(bearer(scope.get("headers", [])), self.token):
            await _answer(send, 401, "missing or wrong token: send Authorization: Bearer <token>",
                          [(b"www-authenticate", b"Bearer")])
            return
        for name, value in scope.get("headers", []):
            if name.lower() == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _answer(send, 400, "Content-Length is not a number")
                    return
                if declared > self.max_body:
                    await _answer(send, 413, f"request body of {declared} bytes is over the limit of {self.max_body}")
                    return
        # read the body here, counting what is streamed (a chunked body has no Content-Length),
        # then hand the app a receive that replays it
        chunks, total, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_body:
                await _answer(send, 413, f"request body is over the limit of {self.max_body} bytes")
                return
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        body, replayed = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class ImageRefused(Exception):
    """An image path points outside the image root (or is not a plain relative path)."""


def safe_image_path(root: Path, requested: str) -> Path:
    """The file ``requested`` names inside ``root``; raises :class:`ImageRefused` for anything that could
    leave it: ``..`` segments (also percent-encoded), absolute paths, backslashes, NUL, or a symlink
    whose target is outside the root. Raises FileNotFoundError when the file is not there."""
    decoded = requested
    for _ in range(3):          # a path decoded once by the server may still hold %2e%2e
        nxt = unquote(decoded)
        if nxt == decoded:
            break
        decoded = nxt
    if not decoded or "\x00" in decoded or "\\" in decoded or decoded.startswith("/") or Path(decoded).is_absolute():
        raise ImageRefused("image paths are relative to the image root")
    if any(part == ".." for part in decoded.split("/")):
        raise ImageRefused("image paths may not contain '..'")
    base = root.resolve()
    target = (base / decoded).resolve()
    if not target.is_relative_to(base):
        raise ImageRefused("image path resolves outside the image root")
    if not target.is_file():
        raise FileNotFoundError(decoded)
    return target


def image_url(root: Path | None, image: str | None) -> str | None:
    """The ``/images/...`` URL of an offer's image when it is a file inside the image root, else None."""
    if root is None or not image:
        return None
    base = root.resolve()
    path = Path(image)
    try:
        target = (path if path.is_absolute() else base / path).resolve()
    except (OSError, RuntimeError):
        return None
    if not target.is_relative_to(base) or not target.is_file():
        return None
    return "/images/" + target.relative_to(base).as_posix()
