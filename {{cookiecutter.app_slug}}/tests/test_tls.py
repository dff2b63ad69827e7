"""HTTPS with TLS 1.2 and 1.3 only (DB31DSJ/Z 003 §8.3 b), Mozilla's intermediate profile.

The live tests start gunicorn the way production would (deploy/gunicorn.conf.py, the app
configured by environment) on 127.0.0.1 with a certificate from devtools.dev_cert, then
try every protocol version with Python's `ssl` and scan it with sslyze.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import http.client
import os
import runpy
import socket
import ssl
import stat
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID
from devtools.dev_cert import ensure_dev_cert

from {{ cookiecutter.__package_name }}.security.tls import (
    MOZILLA_INTERMEDIATE_CIPHERS,
    server_context,
)

from .fixtures import PRODUCTION_ENV

PROJECT_ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = PROJECT_ROOT / "deploy" / "gunicorn.conf.py"
STARTUP_SECONDS = 30
TLS_1_3_SUITES = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                  "TLS_CHACHA20_POLY1305_SHA256"}
REFUSED = (ssl.TLSVersion.TLSv1, ssl.TLSVersion.TLSv1_1)
ACCEPTED = (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3)
# What SSLSocket.version() says for each.
PROTOCOL_NAMES = {ssl.TLSVersion.TLSv1: "TLSv1", ssl.TLSVersion.TLSv1_1: "TLSv1.1",
                  ssl.TLSVersion.TLSv1_2: "TLSv1.2", ssl.TLSVersion.TLSv1_3: "TLSv1.3"}


# ---- helpers, also used by test_nginx_conf.py --------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def client_context(ca_file: Path, version: ssl.TLSVersion) -> ssl.SSLContext:
    """A client that offers exactly `version`.

    @SECLEVEL=0 lets this client offer TLS 1.0/1.1 and their SHA-1 suites even where
    Debian's OpenSSL forbids them by default, so a refusal seen here is the server's.
    """
    context = ssl.create_default_context(cafile=str(ca_file))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TLSVersion.TLSv1 is, on purpose
        context.minimum_version = version
        context.maximum_version = version
    context.set_ciphers("ALL:@SECLEVEL=0")
    return context


def handshake(port: int, context: ssl.SSLContext, server_name: str = "localhost"):
    """(protocol version, cipher name) the server agreed to; raises ssl.SSLError if refused."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as raw, \
            context.wrap_socket(raw, server_hostname=server_name) as tls:
        return tls.version(), tls.cipher()[0]


def assert_refused(port: int, ca_file: Path, version: ssl.TLSVersion) -> str:
    """The server answers a ClientHello for `version` with a protocol_version alert."""
    with pytest.raises(ssl.SSLError) as refused:
        handshake(port, client_context(ca_file, version))
    # The alert came from the server: this client was willing (and sent its hello).
    assert refused.value.reason == "TLSV1_ALERT_PROTOCOL_VERSION", refused.value
    return refused.value.reason


def assert_accepted(port: int, ca_file: Path, version: ssl.TLSVersion) -> tuple[str, str]:
    protocol, cipher = handshake(port, client_context(ca_file, version))
    assert protocol == PROTOCOL_NAMES[version]
    allowed = set(MOZILLA_INTERMEDIATE_CIPHERS) if protocol == "TLSv1.2" else TLS_1_3_SUITES
    assert cipher in allowed
    return protocol, cipher


def sslyze_mozilla_verdict(port: int, ca_file: Path) -> tuple[object, str]:
    """Scan 127.0.0.1:`port` with sslyze; return (scan result, Mozilla intermediate verdict)."""
    from sslyze import (
        CertificateInfoExtraArgument,
        ScanCommandsExtraArguments,
        Scanner,
        ServerNetworkLocation,
        ServerScanRequest,
        ServerScanStatusEnum,
    )
    from sslyze.mozilla_tls_profile.tls_config_checker import (
        SCAN_COMMANDS_NEEDED_BY_MOZILLA_CHECKER,
        MozillaTlsConfiguration,
        ServerNotCompliantWithTlsConfiguration,
        TlsConfigurationEnum,
        check_server_against_tls_configuration,
    )

    request = ServerScanRequest(
        server_location=ServerNetworkLocation(hostname="localhost", port=port,
                                              ip_address="127.0.0.1"),
        scan_commands=SCAN_COMMANDS_NEEDED_BY_MOZILLA_CHECKER,
        scan_commands_extra_arguments=ScanCommandsExtraArguments(
            certificate_info=CertificateInfoExtraArgument(custom_ca_file=ca_file)),
    )
    scanner = Scanner()
    scanner.queue_scans([request])
    result = next(iter(scanner.get_results()))
    assert result.scan_status == ServerScanStatusEnum.COMPLETED, result.connectivity_error_trace
    try:
        check_server_against_tls_configuration(
            result, MozillaTlsConfiguration.get(TlsConfigurationEnum.MOZILLA_INTERMEDIATE))
    except ServerNotCompliantWithTlsConfiguration as error:
        return result, f"NOT compliant with Mozilla intermediate: {error.issues}"
    return result, "compliant with Mozilla intermediate"


def supported_versions(result) -> dict[str, list[str]]:
    """{version: accepted suites} from an sslyze scan, for the printed report."""
    fields = {"SSL 2.0": "ssl_2_0", "SSL 3.0": "ssl_3_0", "TLS 1.0": "tls_1_0",
              "TLS 1.1": "tls_1_1", "TLS 1.2": "tls_1_2", "TLS 1.3": "tls_1_3"}
    versions = {}
    for label, field in fields.items():
        scan = getattr(result.scan_result, f"{field}_cipher_suites").result
        versions[label] = [suite.cipher_suite.name for suite in scan.accepted_cipher_suites]
    return versions


def assert_mozilla_intermediate(port: int, ca_file: Path, label: str) -> None:
    result, verdict = sslyze_mozilla_verdict(port, ca_file)
    versions = supported_versions(result)
    curves = result.scan_result.elliptic_curves.result.supported_curves or []
    print(f"\n[sslyze 6.3.1] {label}: {verdict}")
    for version, suites in versions.items():
        print(f"  {version}: {'accepted ' + ', '.join(suites) if suites else 'refused'}")
    print(f"  groups: {', '.join(curve.name for curve in curves)}")
    for field in ("ssl_2_0", "ssl_3_0", "tls_1_0", "tls_1_1"):
        assert not getattr(result.scan_result, f"{field}_cipher_suites").result \
            .is_tls_version_supported, field
    assert versions["TLS 1.2"] and versions["TLS 1.3"]
    assert verdict == "compliant with Mozilla intermediate"


def wait_until_listening(port: int, process: subprocess.Popen, log: Path) -> None:
    """Poll until something accepts TCP on `port` (bounded); fail with the log if it died."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    pytest.fail(f"not listening on {port} after {STARTUP_SECONDS} s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def permissive_server(dev_cert):
    """A loopback TLS server that still speaks TLS 1.0: the negative control."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
    context.set_ciphers("ALL:@SECLEVEL=0")
    context.load_cert_chain(dev_cert.cert, dev_cert.key)
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        with listener:
            for _ in REFUSED:
                connection, _ = listener.accept()
                with contextlib.suppress(OSError), \
                        context.wrap_socket(connection, server_side=True) as tls:
                    tls.recv(1)

    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1]


# ---- devtools.dev_cert ------------------------------------------------------------------

def _cert(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_dev_cert_makes_what_strict_verifiers_need(tmp_path):
    made = ensure_dev_cert(tmp_path / "dev-cert")
    assert made.new_ca and made.new_cert
    ca, leaf = _cert(made.ca), _cert(made.cert)
    extensions = ca.extensions
    assert extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    ca_ski = extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    # Name-constrained: a leaked CA key cannot vouch for any real site.
    assert extensions.get_extension_for_class(x509.NameConstraints).critical

    san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(san.get_values_for_type(x509.DNSName)) == {"localhost"}
    assert {str(ip) for ip in san.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "::1"}
    assert (leaf.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
            .key_identifier == ca_ski.digest)
    eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert (leaf.not_valid_after_utc - leaf.not_valid_before_utc).days <= 366  # Mozilla
    assert isinstance(leaf.public_key(), ec.EllipticCurvePublicKey)
    leaf.verify_directly_issued_by(ca)
    for key in (made.key, made.ca_key):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    # Python's own verifier accepts the chain for both names.
    context = ssl.create_default_context(cafile=str(made.ca))
    assert context.get_ca_certs()


def test_dev_cert_keeps_good_files(tmp_path):
    first = ensure_dev_cert(tmp_path)
    before = {path: path.read_bytes() for path in (first.ca, first.ca_key, first.cert, first.key)}
    again = ensure_dev_cert(tmp_path)
    assert not again.new_ca and not again.new_cert
    assert {path: path.read_bytes() for path in before} == before


def test_dev_cert_renews_the_leaf_under_the_same_ca(tmp_path):
    first = ensure_dev_cert(tmp_path)
    ca_before = first.ca.read_bytes()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=75)  # < 30 days left
    renewed = ensure_dev_cert(tmp_path, now=later)
    assert renewed.new_cert and not renewed.new_ca
    assert renewed.ca.read_bytes() == ca_before
    _cert(renewed.cert).verify_directly_issued_by(_cert(renewed.ca))


def test_dev_cert_replaces_a_key_that_does_not_match(tmp_path):
    first = ensure_dev_cert(tmp_path)
    other = ensure_dev_cert(tmp_path / "other")
    first.key.write_bytes(other.key.read_bytes())
    assert ensure_dev_cert(tmp_path).new_cert


def test_dev_cert_new_hosts_get_a_new_ca(tmp_path):
    ensure_dev_cert(tmp_path)
    changed = ensure_dev_cert(tmp_path, ["127.0.0.1", "app.localhost"])
    assert changed.new_ca and changed.new_cert


# ---- security.tls -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def dev_cert(tmp_path_factory):
    return ensure_dev_cert(tmp_path_factory.mktemp("dev-cert"))


def test_server_context_is_mozilla_intermediate(dev_cert):
    context = server_context(dev_cert.cert, dev_cert.key)
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    assert context.options & ssl.OP_NO_COMPRESSION
    assert not context.options & ssl.OP_CIPHER_SERVER_PREFERENCE
    suites = {c["name"] for c in context.get_ciphers() if c["protocol"] == "TLSv1.2"}
    assert suites == set(MOZILLA_INTERMEDIATE_CIPHERS)


def test_server_context_refuses_a_key_that_does_not_match(dev_cert, tmp_path):
    other = ensure_dev_cert(tmp_path)
    with pytest.raises(ssl.SSLError):
        server_context(dev_cert.cert, other.key)


def test_the_client_really_offers_tls_1_0_and_1_1(dev_cert):
    """Without this, a refusal could be this machine's OpenSSL, not the server under test."""
    port = permissive_server(dev_cert)
    for version in REFUSED:
        protocol, _ = handshake(port, client_context(dev_cert.ca, version))
        assert protocol == PROTOCOL_NAMES[version]


# ---- deploy/gunicorn.conf.py ------------------------------------------------------------

def read_gunicorn_conf(monkeypatch, **environ) -> dict:
    for name in [name for name in os.environ if name.startswith("GUNICORN_")]:
        monkeypatch.delenv(name)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONF))


def test_gunicorn_conf_is_plain_http_without_a_certificate(monkeypatch):
    settings = read_gunicorn_conf(monkeypatch)
    assert settings["certfile"] is None and settings["keyfile"] is None
    assert settings["bind"] == "127.0.0.1:8000"


def test_gunicorn_conf_needs_both_certificate_and_key(monkeypatch, dev_cert):
    with pytest.raises(SystemExit, match="GUNICORN_KEYFILE"):
        read_gunicorn_conf(monkeypatch, GUNICORN_CERTFILE=str(dev_cert.cert))


def test_gunicorn_conf_stops_on_a_missing_certificate(monkeypatch, dev_cert, tmp_path):
    with pytest.raises(SystemExit, match="无法加载 TLS 证书"):
        read_gunicorn_conf(monkeypatch, GUNICORN_CERTFILE=str(tmp_path / "missing.pem"),
                           GUNICORN_KEYFILE=str(dev_cert.key))


def test_gunicorn_conf_hook_gives_one_hardened_context(monkeypatch, dev_cert):
    settings = read_gunicorn_conf(monkeypatch, GUNICORN_CERTFILE=str(dev_cert.cert),
                                  GUNICORN_KEYFILE=str(dev_cert.key))
    conf = type("Conf", (), {"certfile": str(dev_cert.cert), "keyfile": str(dev_cert.key)})

    def default_factory():
        raise AssertionError("the default context keeps CBC suites and extra curves")

    context = settings["ssl_context"](conf, default_factory)
    assert context.minimum_version == ssl.TLSVersion.TLSv1_2
    # Workers ask on every connection: the same context, not a new one each time.
    assert settings["ssl_context"](conf, default_factory) is context


# ---- gunicorn over HTTPS, live ----------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class RunningServer:
    port: int
    ca_file: Path


@pytest.fixture(scope="module")
def gunicorn_https(tmp_path_factory, dev_cert, cache_environ):
    """gunicorn -c deploy/gunicorn.conf.py wsgi:app over HTTPS on 127.0.0.1, production env."""
    workdir = tmp_path_factory.mktemp("gunicorn")
    port = free_port()
    environ = {
        **os.environ,
        **PRODUCTION_ENV,
        "APP_BASE_URL": f"https://127.0.0.1:{port}",
        "DATABASE_URL": f"sqlite:///{workdir / 'app.db'}",
        **cache_environ,
        "FRONTEND_DIST": str(workdir / "frontend-not-built"),
        "TRUSTED_PROXY_HOPS": "0",  # clients connect directly
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_CERTFILE": str(dev_cert.cert),
        "GUNICORN_KEYFILE": str(dev_cert.key),
    }
    log = workdir / "gunicorn.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), "wsgi:app"],
            cwd=PROJECT_ROOT, env=environ, stdout=output, stderr=subprocess.STDOUT,
        )
    try:
        wait_until_listening(port, process, log)
        yield RunningServer(port, dev_cert.ca)
    finally:
        stop(process)


def test_gunicorn_answers_over_https(gunicorn_https):
    context = ssl.create_default_context(cafile=str(gunicorn_https.ca_file))
    connection = http.client.HTTPSConnection("127.0.0.1", gunicorn_https.port,
                                             context=context, timeout=5)
    try:
        connection.request("GET", "/livez")
        response = connection.getresponse()
        assert response.status == 200
        assert "max-age=63072000" in response.getheader("Strict-Transport-Security", "")
    finally:
        connection.close()


@pytest.mark.parametrize("version", REFUSED, ids=lambda version: version.name)
def test_gunicorn_refuses_tls_below_1_2(gunicorn_https, version):
    reason = assert_refused(gunicorn_https.port, gunicorn_https.ca_file, version)
    print(f"\n[gunicorn] {version.name}: refused by the server ({reason})")


@pytest.mark.parametrize("version", ACCEPTED, ids=lambda version: version.name)
def test_gunicorn_accepts_tls_1_2_and_1_3(gunicorn_https, version):
    protocol, cipher = assert_accepted(gunicorn_https.port, gunicorn_https.ca_file, version)
    print(f"\n[gunicorn] {version.name}: accepted, {protocol} {cipher}")


# sslyze's bundled trust stores hold a certificate that newer cryptography warns about.
@pytest.mark.filterwarnings("ignore:Parsed a serial number:UserWarning")
def test_gunicorn_passes_sslyze_mozilla_intermediate(gunicorn_https):
    assert_mozilla_intermediate(gunicorn_https.port, gunicorn_https.ca_file, "gunicorn")
