"""The HTTP protocol `mentor serve` gives uvicorn: its own, with each response sent in one write.

uvicorn writes a response's status line and headers, then its body, as two writes, and with
TCP_NODELAY each is a system call and a TCP segment of its own. On a busy server the second
send cost as much CPU as the first; here the writes of one turn of the event loop go out
together, at the end of that turn.
"""

from __future__ import annotations

import asyncio
from typing import Any, Final, cast

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as _Base
except ImportError:  # httptools is optional: h11 then, as uvicorn would pick
    from uvicorn.protocols.http.h11_impl import H11Protocol as _Base  # type: ignore[assignment]


# A streamed body may write many chunks in one turn of the loop: past this, send at once.
FLUSH_BYTES: Final = 65536


class _Batched:
    """A transport that holds writes until the end of the loop's turn, then sends them as one."""

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop):
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []
        self._size = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        if not self._held:
            self._loop.call_soon(self.flush)
        self._held.append(bytes(data))
        self._size += len(data)
        if self._size >= FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        if not self._held:
            return
        data = b"".join(self._held)
        self._held.clear()
        self._size = 0
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


class Protocol(_Base):
    """uvicorn's HTTP protocol (httptools when installed) over a transport that batches writes."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # uvloop's transports are not asyncio.Transport subclasses; they have its methods.
        self.transport = cast(asyncio.Transport, _Batched(transport, self.loop))
