"""X-Forwarded-For and -Proto count only when a configured proxy sent them.

Behind nginx the app learns the client's address and https from the headers nginx adds
(werkzeug's ProxyFix, TRUSTED_PROXY_HOPS of them). ProxyFix alone believes whoever
connects: with TRUSTED_PROXY_HOPS=1 and no proxy in front, any client could name its own
address and walk around a per-address limit. Here the headers are read only when the
direct peer is in TRUSTED_PROXY_ADDRESSES; a request from anywhere else keeps its real
peer address and scheme. A peer without an IP address (a Unix socket) can only be a local
process, such as nginx on the same host, and counts as trusted.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from ..config import Config, Network

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class TrustedProxyFix:
    """WSGI middleware: ProxyFix for requests from a trusted proxy, nothing for the rest."""

    def __init__(self, app: WSGIApplication, hops: int, proxies: Iterable[Network]):
        self.app = app
        self.proxy_fix = ProxyFix(app, x_for=hops, x_proto=hops)
        self.proxies = tuple(proxies)
        # Requests come from a handful of peers (nginx, above all): each is judged once.
        self.is_trusted = functools.lru_cache(maxsize=1024)(self._is_trusted)

    def _is_trusted(self, peer: str) -> bool:
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return True  # a Unix socket: only a process on this host can connect
        return any(address in network for network in self.proxies)

    def __call__(self, environ: WSGIEnvironment,
                 start_response: StartResponse) -> Iterable[bytes]:
        if self.is_trusted(environ.get("REMOTE_ADDR", "")):
            return self.proxy_fix(environ, start_response)
        return self.app(environ, start_response)


def init_app(app: Flask) -> None:
    """Behind nginx: X-Forwarded-For/-Proto through exactly TRUSTED_PROXY_HOPS proxies, and
    only when the request comes from one of them. Outermost, so that every other layer
    (the security headers' scheme, the rate limits' address) sees the client's."""
    settings: Config = app.config["SETTINGS"]
    if settings.trusted_proxy_hops:
        app.wsgi_app = TrustedProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, settings.trusted_proxy_hops, settings.trusted_proxy_addresses)
