"""Local HTTPS for development and tests: a private CA and a server certificate for 127.0.0.1.

Usage (from the project root):

    make dev-cert                      # same as: .venv/bin/python -m devtools.dev_cert
    # The development server over HTTPS (APP_BASE_URL=https://127.0.0.1:5000 in .env):
    .venv/bin/flask --app wsgi run --cert instance/dev-cert/cert.pem --key instance/dev-cert/key.pem
    curl --cacert instance/dev-cert/ca.pem https://127.0.0.1:5000/livez
    # gunicorn with the production TLS settings (it does not read .env: export the settings):
    GUNICORN_CERTFILE=instance/dev-cert/cert.pem GUNICORN_KEYFILE=instance/dev-cert/key.pem \\
        .venv/bin/gunicorn -c deploy/gunicorn.conf.py wsgi:app

Options: `--host NAME` (repeat it; default 127.0.0.1, localhost and ::1), `--dir PATH`,
`--force` (a new CA and certificate even if the current ones are fine).

Files in instance/dev-cert/ (ignored by git, like all of instance/):

    ca.pem       the local CA: give it to clients (curl --cacert, sslyze, a browser's trust store)
    ca-key.pem   its private key (0600): kept so that cert.pem can be renewed under the same CA
    cert.pem     the server certificate: ECDSA P-256, SAN = the hosts, EKU serverAuth, 90 days
    key.pem      the server certificate's private key (0600)

It is idempotent: files that are still good (each certificate valid for at least 30 more
days, keys matching, the leaf issued by the CA for exactly these hosts) are kept, so a
CA you chose to trust stays the same. Otherwise only what is needed is made again.

The certificates carry what strict verifiers (sslyze, cryptography, browsers) ask for:
the CA has BasicConstraints CA, KeyUsage keyCertSign and a Subject Key Identifier; the
leaf has SAN, Authority Key Identifier, EKU serverAuth and a lifetime within Mozilla's
366 days. The CA is name-constrained to the hosts above: even if ca-key.pem leaks, it
cannot vouch for any other site. Never use these files in production (§8.3 b asks for a
real HTTPS domain; deploy/nginx.conf points at your CA-issued certificate).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import ipaddress
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIRECTORY = PROJECT_ROOT / "instance" / "dev-cert"
DEFAULT_HOSTS = ("127.0.0.1", "localhost", "::1")
CA_DAYS = 1826  # five years: a CA someone trusted should not change often
LEAF_DAYS = 90  # Mozilla recommends 90 days and allows at most 366
RENEW_BEFORE = dt.timedelta(days=30)
CLOCK_SKEW = dt.timedelta(hours=1)  # backdate notBefore a little for clients' clocks

CA_FILE, CA_KEY_FILE, CERT_FILE, KEY_FILE = "ca.pem", "ca-key.pem", "cert.pem", "key.pem"


@dataclasses.dataclass(frozen=True)
class DevCert:
    """Where the files are, and what this run wrote."""

    directory: Path
    new_ca: bool
    new_cert: bool

    @property
    def ca(self) -> Path:
        return self.directory / CA_FILE

    @property
    def ca_key(self) -> Path:
        return self.directory / CA_KEY_FILE

    @property
    def cert(self) -> Path:
        return self.directory / CERT_FILE

    @property
    def key(self) -> Path:
        return self.directory / KEY_FILE


def ensure_dev_cert(directory: str | os.PathLike = DEFAULT_DIRECTORY,
                    hosts: Sequence[str] = DEFAULT_HOSTS, *,
                    now: dt.datetime | None = None, force: bool = False) -> DevCert:
    """Make (or keep) the CA and the server certificate for `hosts` in `directory`."""
    if not hosts:
        raise ValueError("at least one host is needed")
    directory = Path(directory)
    now = now or dt.datetime.now(dt.UTC)
    names = [_general_name(host) for host in hosts]
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)

    ca = None if force else _load_pair(directory / CA_FILE, directory / CA_KEY_FILE)
    new_ca = ca is None or not _ca_is_good(*ca, names, now)
    if new_ca:
        ca = _make_ca(names, now)
        _write_key(directory / CA_KEY_FILE, ca[1])
        _write_cert(directory / CA_FILE, ca[0])
    ca_cert, ca_key = ca

    leaf = None if new_ca else _load_pair(directory / CERT_FILE, directory / KEY_FILE)
    new_cert = leaf is None or not _leaf_is_good(*leaf, ca_cert, names, now)
    if new_cert:
        leaf_cert, leaf_key = _make_leaf(ca_cert, ca_key, hosts, names, now)
        _write_key(directory / KEY_FILE, leaf_key)
        _write_cert(directory / CERT_FILE, leaf_cert)
    return DevCert(directory, new_ca=new_ca, new_cert=new_cert)


# ---- checks -----------------------------------------------------------------------------

def _load_pair(cert_path: Path, key_path: Path):
    """(certificate, private key), or None when either is missing or unreadable."""
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError):
        return None
    return cert, key


def _matches(cert: x509.Certificate, key) -> bool:
    raw = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    return cert.public_key().public_bytes(*raw) == key.public_key().public_bytes(*raw)


def _fresh(cert: x509.Certificate, now: dt.datetime) -> bool:
    return cert.not_valid_before_utc <= now and now + RENEW_BEFORE < cert.not_valid_after_utc


def _extension(cert: x509.Certificate, kind):
    try:
        return cert.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None


def _ca_is_good(cert, key, names, now) -> bool:
    constraints = _extension(cert, x509.BasicConstraints)
    return (_matches(cert, key) and _fresh(cert, now)
            and constraints is not None and constraints.ca
            and _extension(cert, x509.NameConstraints) == _name_constraints(names))


def _leaf_is_good(cert, key, ca_cert, names, now) -> bool:
    try:
        cert.verify_directly_issued_by(ca_cert)
    except (ValueError, TypeError, InvalidSignature):
        return False
    san = _extension(cert, x509.SubjectAlternativeName)
    return (_matches(cert, key) and _fresh(cert, now)
            and san is not None and set(san) == set(names))


# ---- making -----------------------------------------------------------------------------

def _general_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _name_constraints(names: Iterable[x509.GeneralName]) -> x509.NameConstraints:
    permitted = [x509.IPAddress(ipaddress.ip_network(name.value))
                 if isinstance(name, x509.IPAddress) else name for name in names]
    return x509.NameConstraints(permitted_subtrees=permitted, excluded_subtrees=None)


def _new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())  # Mozilla: ECDSA P-256


def _make_ca(names, now):
    key = _new_key()
    subject = x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Local development only"),
        x509.NameAttribute(NameOID.COMMON_NAME, f"Development CA {now:%Y-%m-%d %H:%M:%S}"),
    ])
    public_key = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + dt.timedelta(days=CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(_name_constraints(names), critical=True)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def _make_leaf(ca_cert, ca_key, hosts, names, now):
    key = _new_key()
    public_key = key.public_key()
    ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])]))
        .issuer_name(ca_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + dt.timedelta(days=LEAF_DAYS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski),
            critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


# ---- files ------------------------------------------------------------------------------

def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    """Write via a temporary file with `mode` from the start: no moment of a readable key."""
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.fchmod(descriptor, mode)  # O_CREAT's mode does not apply to an existing file
        os.write(descriptor, data)
    finally:
        os.close(descriptor)
    os.replace(temporary, path)


def _write_key(path: Path, key) -> None:
    _write_atomically(path, key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()), 0o600)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    _write_atomically(path, cert.public_bytes(serialization.Encoding.PEM), 0o644)


# ---- command line -----------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.dev_cert",
        description="生成本地开发用 CA 和 HTTPS 服务器证书（仅用于开发和测试）",
    )
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIRECTORY,
                        help="输出目录（默认 instance/dev-cert）")
    parser.add_argument("--host", action="append", dest="hosts", metavar="HOST",
                        help="证书覆盖的主机名或 IP，可重复（默认 127.0.0.1、localhost、::1）")
    parser.add_argument("--force", action="store_true", help="即使现有证书仍有效也重新生成")
    args = parser.parse_args(argv)
    hosts = args.hosts or DEFAULT_HOSTS
    result = ensure_dev_cert(args.dir, hosts, force=args.force)
    cert = x509.load_pem_x509_certificate(result.cert.read_bytes())
    if result.new_ca:
        print(f"已生成本地 CA：{result.ca}（需要时让客户端信任它）")
    if result.new_cert:
        print(f"已生成服务器证书：{result.cert}，私钥 {result.key}")
    else:
        print(f"现有证书仍有效，未改动：{result.cert}")
    print(f"覆盖：{', '.join(hosts)}；有效期至 {cert.not_valid_after_utc:%Y-%m-%d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
