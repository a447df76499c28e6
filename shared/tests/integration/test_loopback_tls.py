"""On the real PostgreSQL (which offers TLS): the engine's connections to it on loopback are plain, and a
URL that asks for TLS gets it."""

from __future__ import annotations

from sqlalchemy import text

from clinic_shared.db import create_engine


async def _ssl_in_use(url: str) -> bool:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return bool((await conn.execute(text("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"))).scalar_one())
    finally:
        await engine.dispose()


async def test_loopback_connections_skip_tls_unless_the_url_asks_for_it(pg_url: str) -> None:
    assert "127.0.0.1" in pg_url or "localhost" in pg_url
    assert await _ssl_in_use(pg_url) is False
    assert await _ssl_in_use(pg_url + ("&" if "?" in pg_url else "?") + "ssl=require") is True
