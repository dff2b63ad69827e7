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

import ipaddress
from collections.abc import Iterable
from typing import TYPE_CHECKING

from werkzeug.middleware.proxy_fix import ProxyFix

from ..config import Network

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class TrustedProxyFix:
    """WSGI middleware: ProxyFix for requests from a trusted proxy, nothing for the rest."""

    def __init__(self, app: WSGIApplication, hops: int, proxies: Iterable[Network]):
        self.app = app
        self.proxy_fix = ProxyFix(app, x_for=hops, x_proto=hops)
        self.proxies = tuple(proxies)

    def is_trusted(self, peer: str) -> bool:
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
