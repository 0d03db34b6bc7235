"""The hostile suite's server: a loopback server that can bind other 127.x addresses too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.hostile.servers import LoopbackServer, running_server


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    yield from running_server()
