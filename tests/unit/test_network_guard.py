"""The test suite may only talk to this machine."""

from __future__ import annotations

import socket

import pytest

from tests.conftest import NonLoopbackConnection


@pytest.mark.parametrize("host", ["192.0.2.10", "8.8.8.8", "10.1.2.3"])
def test_non_loopback_connection_is_refused(host: str) -> None:
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(NonLoopbackConnection),
    ):
        sock.connect((host, 443))


def test_loopback_is_allowed() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
            client.connect(server.getsockname())
            assert client.getpeername() == server.getsockname()
