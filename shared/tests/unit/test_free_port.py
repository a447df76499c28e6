"""Private parts get distinct ports: `free_port()` never hands out the same port twice in a process."""

from __future__ import annotations

import socket

from clinic_shared.testing import infra


def test_ports_are_never_handed_out_twice(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The kernel may well give a just-released port again: make it do so every other time.
    real = socket.socket
    given = iter([40001, 40001, 40002, 40001, 40003])

    class Repeating(real):  # type: ignore[misc, valid-type]
        def getsockname(self):  # type: ignore[no-untyped-def]
            return ("127.0.0.1", next(given))

    monkeypatch.setattr(infra.socket, "socket", Repeating)
    monkeypatch.setattr(infra, "_HANDED_OUT", set())
    assert [infra.free_port(), infra.free_port(), infra.free_port()] == [40001, 40002, 40003]


def test_real_ports_are_distinct() -> None:
    ports = [infra.free_port() for _ in range(50)]
    assert len(set(ports)) == 50
