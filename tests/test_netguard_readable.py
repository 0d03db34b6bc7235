"""ShortReads answers the pool's idle-connection check ("is_readable") from the socket itself, as
httpcore would, without anyio's attribute lookups (~6 us a call, made for every idle connection on
every request's start and end; perf14). Real TCP connections on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket

import httpcore

from newsflow.netguard import ShortReads


class CountingStream(httpcore.AsyncNetworkStream):
    """A real stream that records which extra info it was asked for."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self.inner = inner
        self.asked: list[str] = []

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self.inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self.inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self.inner.aclose()

    def get_extra_info(self, info: str) -> object:
        self.asked.append(info)
        return self.inner.get_extra_info(info)


def test_idle_check_reads_the_socket_as_httpcore_does() -> None:
    async def states() -> list[tuple[bool, object]]:
        listener = socket.create_server(("127.0.0.1", 0))
        inner = CountingStream(await httpcore.AnyIOBackend().connect_tcp("127.0.0.1", listener.getsockname()[1]))
        stream = ShortReads(inner)
        server_side, _ = listener.accept()
        seen = []
        for change in (lambda: None, lambda: server_side.sendall(b"x"), server_side.close):
            change()  # on loopback the byte, or the FIN, is in our receive queue when this returns
            seen.append((stream.get_extra_info("is_readable"), inner.inner.get_extra_info("is_readable")))
        await stream.aclose()
        seen.append((stream.get_extra_info("is_readable"), True))  # closed: readable, as httpcore says
        listener.close()
        assert "is_readable" not in inner.asked  # answered from the socket, not through the stream's lookups
        return seen

    seen = asyncio.run(states())
    assert [ours for ours, _ in seen] == [False, True, True, True]
    assert all(ours == httpcore_says for ours, httpcore_says in seen)
