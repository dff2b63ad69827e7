"""deploy/nginx.conf: HTTPS only, TLS 1.2/1.3 with Mozilla's intermediate suites (§8.3 b).

The file is read with a small parser of nginx's syntax and checked directive by
directive. Where nginx and the module it loads are installed (Debian: apt-get install nginx
libnginx-mod-http-brotli-static), a loopback copy with test certificates passes `nginx -t`,
and then runs in front of a stub upstream: the redirect, the headers, the compression and
the TLS versions are checked on the wire, and sslyze scans it.
"""

from __future__ import annotations

import dataclasses
import gzip
import http.server
import json
import re
import subprocess
import threading
from pathlib import Path

import pytest
import requests
from devtools.dev_cert import ensure_dev_cert
from devtools.nginx_conf import (
    BROTLI_STATIC_MODULE,
    DEBIAN_MODULES,
    NGINX,
    NGINX_CONF,
    Directive,
    missing_nginx_packages,
    parse,
    render_loopback,
)

from {{ cookiecutter.__package_name }}.security.tls import MOZILLA_INTERMEDIATE_CIPHERS

from .test_tls import (
    ACCEPTED,
    REFUSED,
    assert_accepted,
    assert_mozilla_intermediate,
    assert_refused,
    free_port,
    stop,
    wait_until_listening,
)

SERVER_NAME = "{{ cookiecutter.app_domain.split('://')[-1].split(':')[0] }}"
HSTS_MIN_SECONDS = 31_536_000  # ASVS 3.4.1: at least a year (we send two)
MOZILLA_GROUPS = {"X25519MLKEM768", "X25519", "prime256v1", "secp384r1"}


@pytest.fixture(scope="module")
def conf() -> Directive:
    return parse(NGINX_CONF.read_text(encoding="utf-8"))


def servers(conf: Directive) -> list[Directive]:
    return conf.one("http").all("server")


def listening(server: Directive, port: str) -> bool:
    return any(listen.args[0].rsplit(":", 1)[-1] == port for listen in server.all("listen"))


def https_server(conf: Directive) -> Directive:
    (server,) = [server for server in servers(conf) if listening(server, "443")]
    return server


def hsts_headers(block: Directive) -> list[Directive]:
    return [header for header in block.all("add_header")
            if header.args[0].lower() == "strict-transport-security"]


# ---- the file itself --------------------------------------------------------------------

def test_is_rendered_and_names_the_app_domain(conf):
    text = NGINX_CONF.read_text(encoding="utf-8")
    assert not any(marker in text for marker in ("{" + "{", "{" + "%", "{" + "#"))
    for server in servers(conf):
        assert server.one("server_name").args == [SERVER_NAME]


def test_only_tls_1_2_and_1_3(conf):
    ssl_protocols = [d for d in conf.walk() if d.name == "ssl_protocols"]
    assert ssl_protocols and all(d.args == ["TLSv1.2", "TLSv1.3"] for d in ssl_protocols)
    server = https_server(conf)
    assert all("ssl" in listen.args for listen in server.all("listen"))


def test_mozilla_intermediate_ciphers_and_groups(conf):
    server = https_server(conf)
    # The same list as gunicorn's context (security/tls.py), in Mozilla's order.
    assert server.one("ssl_ciphers").args[0].split(":") == list(MOZILLA_INTERMEDIATE_CIPHERS)
    assert server.one("ssl_prefer_server_ciphers").args == ["off"]
    assert set(server.one("ssl_ecdh_curve").args[0].split(":")) <= MOZILLA_GROUPS
    assert server.one("ssl_session_timeout").args == ["1d"]
    assert server.one("ssl_session_cache").args[0].startswith("shared:")
    assert server.one("ssl_session_tickets").args == ["off"]


def test_hsts_on_every_https_answer(conf):
    server = https_server(conf)
    (hsts,) = hsts_headers(server)
    max_age = int(re.search(r"max-age=(\d+)", hsts.args[1]).group(1))
    assert max_age >= HSTS_MIN_SECONDS and "includeSubDomains" in hsts.args[1]
    assert hsts.args[-1] == "always"  # nginx's own errors (413, 502) too
    # A location with any add_header of its own inherits none of the server's: it must
    # repeat HSTS, or its answers go without.
    for location in server.all("location"):
        if location.all("add_header"):
            assert [header.args for header in hsts_headers(location)] == [hsts.args]
    # The app sends HSTS too; hiding its copy leaves browsers exactly one.
    assert ["Strict-Transport-Security"] in [d.args for d in server.all("proxy_hide_header")]


def test_port_80_only_redirects_to_https(conf):
    (plain,) = [server for server in servers(conf) if listening(server, "80")]
    assert not any("ssl" in listen.args for listen in plain.all("listen"))
    assert plain.one("return").args == ["301", "https://$host$request_uri"]
    assert not plain.all("location") and not plain.all("proxy_pass")


def test_proxies_to_the_app_with_forwarded_headers(conf):
    server = https_server(conf)
    headers = {d.args[0]: d.args[1] for d in server.all("proxy_set_header")}
    assert headers["X-Forwarded-Proto"] == "$scheme"
    assert headers["X-Forwarded-For"] == "$proxy_add_x_forwarded_for"
    assert headers["Host"] == "$host"
    # Locations that set none of their own inherit the server's proxy_set_header.
    proxied = [d for d in server.walk() if d.name == "proxy_pass"]
    assert proxied and all(d.args == ["http://app"] for d in proxied)
    assert not any(location.all("proxy_set_header") for location in server.all("location"))
    upstream = conf.one("http").one("upstream")
    assert upstream.args == ["app"] and upstream.one("server").args == ["127.0.0.1:8000"]


def test_body_limit_gzip_and_immutable_assets(conf):
    http_block = conf.one("http")
    assert http_block.one("client_max_body_size").args == ["1m"]
    assert http_block.one("gzip").args == ["on"]
    gzip_types = set(http_block.one("gzip_types").args)
    assert {"text/css", "application/javascript", "application/json"} <= gzip_types
    (assets,) = [loc for loc in https_server(conf).all("location") if loc.args == ["/assets/"]]
    cache = {d.args[0]: d.args[1] for d in assets.all("add_header")}["Cache-Control"]
    assert "max-age=31536000" in cache and "immutable" in cache


def test_assets_go_out_as_the_builds_brotli_copies(conf):
    (assets,) = [loc for loc in https_server(conf).all("location") if loc.args == ["/assets/"]]
    assert assets.one("brotli_static").args == ["on"]
    # The module is loaded by absolute path: the loopback copies run with their own -p prefix.
    (module,) = conf.all("load_module")
    assert module.args == [f"{DEBIAN_MODULES}/{BROTLI_STATIC_MODULE}"]


# ---- a loopback copy --------------------------------------------------------------------

MISSING_NGINX_PACKAGES = missing_nginx_packages()
NOT_INSTALLED = (f"not installed: {', '.join(MISSING_NGINX_PACKAGES)} "
                 f"(Debian: apt-get install {' '.join(MISSING_NGINX_PACKAGES)})")
needs_nginx = pytest.mark.skipif(bool(MISSING_NGINX_PACKAGES), reason=NOT_INSTALLED)


@dataclasses.dataclass(frozen=True)
class Loopback:
    conf_file: Path
    run_dir: Path
    dist: Path
    http_port: int
    https_port: int
    ca_file: Path


ASSET_BROTLI_COPY = b"\x1b\x0d\x00\xf8the brotli copy of index-3f2a1b.js"


@pytest.fixture(scope="module")
def loopback(tmp_path_factory) -> Loopback:
    run_dir = tmp_path_factory.mktemp("nginx")
    cert = ensure_dev_cert(run_dir / "dev-cert")
    dist = run_dir / "dist"
    (dist / "assets").mkdir(parents=True)
    # Big enough for gzip_min_length.
    (dist / "assets" / "index-3f2a1b.js").write_text("console.log('协同');\n" * 200)
    # The build's Brotli copy of it. nginx sends the file as it is, never decoding it, so
    # bytes of our own stand in for it (Python's brotli module is not a dependency).
    (dist / "assets" / "index-3f2a1b.js.br").write_bytes(ASSET_BROTLI_COPY)
    upstream_port = free_port()
    http_port, https_port = free_port(), free_port()
    conf_file = run_dir / "nginx.conf"
    conf_file.write_text(render_loopback(
        NGINX_CONF.read_text(encoding="utf-8"), run_dir=run_dir, dist=dist,
        cert=cert.cert, key=cert.key, upstream=f"127.0.0.1:{upstream_port}",
        http_port=http_port, https_port=https_port), encoding="utf-8")
    return Loopback(conf_file, run_dir, dist, http_port, https_port, cert.ca)


def nginx_command(loopback: Loopback, *args: str) -> list[str]:
    return [NGINX, "-p", str(loopback.run_dir), "-e", str(loopback.run_dir / "error.log"),
            "-c", str(loopback.conf_file), *args]


@needs_nginx
def test_nginx_accepts_the_configuration(loopback):
    checked = subprocess.run(nginx_command(loopback, "-t"), capture_output=True, text=True,
                             timeout=30)
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


class StubApp(http.server.BaseHTTPRequestHandler):
    """Stands in for gunicorn: echoes what nginx forwarded, sends its own HSTS like the app."""

    def do_GET(self):  # noqa: N802 - http.server's naming
        body = json.dumps({
            "path": self.path,
            "host": self.headers.get("Host"),
            "x_forwarded_proto": self.headers.get("X-Forwarded-Proto"),
            "x_forwarded_for": self.headers.get("X-Forwarded-For"),
            "padding": "x" * 2048,  # above gzip_min_length
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Strict-Transport-Security", "max-age=1")  # must not reach clients
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass


@pytest.fixture(scope="module")
def running_nginx(loopback):
    if MISSING_NGINX_PACKAGES:
        pytest.skip(NOT_INSTALLED)
    upstream_port = int(re.search(r"server 127\.0\.0\.1:(\d+);",
                                  loopback.conf_file.read_text()).group(1))
    stub = http.server.ThreadingHTTPServer(("127.0.0.1", upstream_port), StubApp)
    threading.Thread(target=stub.serve_forever, daemon=True).start()
    log = loopback.run_dir / "nginx.out"
    with log.open("w") as output:
        process = subprocess.Popen(nginx_command(loopback, "-g", "daemon off;"),
                                   stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_until_listening(loopback.https_port, process, log)
        wait_until_listening(loopback.http_port, process, log)
        yield loopback
    finally:
        stop(process)
        stub.shutdown()
        stub.server_close()


def https_get(nginx: Loopback, path: str, **kwargs) -> requests.Response:
    return requests.get(f"https://localhost:{nginx.https_port}{path}",
                        verify=str(nginx.ca_file), timeout=5, **kwargs)


@needs_nginx
def test_nginx_redirects_http_to_https(running_nginx):
    answer = requests.get(f"http://127.0.0.1:{running_nginx.http_port}/items/7?tab=mine",
                          allow_redirects=False, timeout=5)
    assert answer.status_code == 301
    assert answer.headers["Location"] == "https://127.0.0.1/items/7?tab=mine"


@needs_nginx
def test_nginx_forwards_scheme_and_client_and_sends_one_hsts(running_nginx):
    answer = https_get(running_nginx, "/api/me")
    assert answer.status_code == 200
    echoed = answer.json()
    assert echoed["x_forwarded_proto"] == "https"
    assert echoed["x_forwarded_for"] == "127.0.0.1"
    assert echoed["host"] == "localhost"
    # One header, nginx's: the upstream's own copy (max-age=1) is hidden.
    assert answer.raw.headers.getlist("Strict-Transport-Security") == [
        "max-age=63072000; includeSubDomains"]
    assert answer.headers.get("Content-Encoding") == "gzip"  # JSON compressed


@needs_nginx
def test_nginx_serves_assets_immutable_and_falls_back_to_the_app(running_nginx):
    asset = https_get(running_nginx, "/assets/index-3f2a1b.js",
                      headers={"Accept-Encoding": "gzip"}, stream=True)
    assert asset.status_code == 200
    assert asset.headers["Content-Type"] == "application/javascript"
    assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert asset.headers["X-Content-Type-Options"] == "nosniff"
    assert asset.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"
    assert asset.headers["Content-Encoding"] == "gzip"
    assert "协同" in gzip.decompress(asset.raw.read()).decode()
    missing = https_get(running_nginx, "/assets/not-on-disk.js")
    assert missing.json()["path"] == "/assets/not-on-disk.js"  # answered by the app


@needs_nginx
@pytest.mark.parametrize("accept_encoding", ["gzip, deflate, br, zstd", "br;q=0.5"])
def test_nginx_sends_the_brotli_copy_to_browsers_that_accept_br(running_nginx,
                                                                 accept_encoding):
    asset = https_get(running_nginx, "/assets/index-3f2a1b.js",
                      headers={"Accept-Encoding": accept_encoding}, stream=True)
    assert asset.status_code == 200
    assert asset.headers["Content-Encoding"] == "br"
    assert asset.raw.read() == ASSET_BROTLI_COPY  # the file on disk, byte for byte
    assert asset.headers["Content-Type"] == "application/javascript"
    assert asset.headers["Vary"] == "Accept-Encoding"
    assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert asset.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


@needs_nginx
def test_nginx_gzips_for_browsers_that_refuse_br(running_nginx):
    asset = https_get(running_nginx, "/assets/index-3f2a1b.js",
                      headers={"Accept-Encoding": "gzip, br;q=0"}, stream=True)
    assert asset.headers["Content-Encoding"] == "gzip"
    assert "协同" in gzip.decompress(asset.raw.read()).decode()
    assert asset.headers["Vary"] == "Accept-Encoding"


@needs_nginx
def test_nginx_refuses_bodies_over_1m_with_hsts(running_nginx):
    answer = requests.post(f"https://localhost:{running_nginx.https_port}/api/me",
                           data=b"x" * (1024 * 1024 + 1), verify=str(running_nginx.ca_file),
                           timeout=5)
    assert answer.status_code == 413
    assert "max-age=63072000" in answer.headers["Strict-Transport-Security"]


@needs_nginx
@pytest.mark.parametrize("version", REFUSED, ids=lambda version: version.name)
def test_nginx_refuses_tls_below_1_2(running_nginx, version):
    reason = assert_refused(running_nginx.https_port, running_nginx.ca_file, version)
    print(f"\n[nginx] {version.name}: refused by the server ({reason})")


@needs_nginx
@pytest.mark.parametrize("version", ACCEPTED, ids=lambda version: version.name)
def test_nginx_accepts_tls_1_2_and_1_3(running_nginx, version):
    protocol, cipher = assert_accepted(running_nginx.https_port, running_nginx.ca_file, version)
    print(f"\n[nginx] {version.name}: accepted, {protocol} {cipher}")


@needs_nginx
@pytest.mark.filterwarnings("ignore:Parsed a serial number:UserWarning")
def test_nginx_passes_sslyze_mozilla_intermediate(running_nginx):
    assert_mozilla_intermediate(running_nginx.https_port, running_nginx.ca_file, "nginx")
