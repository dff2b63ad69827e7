"""gunicorn settings: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Every value can be overridden from the environment (GUNICORN_*), so one file serves
the container, the VM and the loopback test stack.

HTTPS (DB31DSJ/Z 003 §8.3 b). In production nginx terminates TLS (deploy/nginx.conf) and
gunicorn speaks plain HTTP on 127.0.0.1. To let gunicorn terminate TLS itself, set both
GUNICORN_CERTFILE (leaf first, then intermediates) and GUNICORN_KEYFILE; it then serves
TLS 1.2 and 1.3 only, with Mozilla's intermediate suites (security/tls.py in the package).
For a local try: `make dev-cert`, then
    GUNICORN_CERTFILE=instance/dev-cert/cert.pem GUNICORN_KEYFILE=instance/dev-cert/key.pem \\
        .venv/bin/gunicorn -c deploy/gunicorn.conf.py wsgi:app
Facing clients with no proxy in front, also set TRUSTED_PROXY_HOPS=0: nobody else may
then claim a client address through X-Forwarded-For.
"""

import functools
import multiprocessing
import os
import ssl

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# DB31DSJ/Z 003 §6.3.3 a: an operation must answer within 5 s; a stuck worker is recycled.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Create the app once, before forking: a bad setting stops the master with its message.
preload_app = True
accesslog = "-"
errorlog = "-"
# X-Forwarded-* are honoured by the app's ProxyFix (TRUSTED_PROXY_HOPS), not here.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

certfile = os.environ.get("GUNICORN_CERTFILE") or None
keyfile = os.environ.get("GUNICORN_KEYFILE") or None
if bool(certfile) != bool(keyfile):
    raise SystemExit("GUNICORN_CERTFILE 与 GUNICORN_KEYFILE 须同时设置（启用 HTTPS）或都不设置")


@functools.cache
def _tls_context(cert_path, key_path):
    # Imported here so that plain-HTTP use never needs the app importable to read this file.
    from {{ cookiecutter.__package_name }}.security.tls import server_context

    return server_context(cert_path, key_path)


def ssl_context(conf, default_ssl_context_factory):
    """gunicorn's server hook: our Mozilla-intermediate context, not the default one.

    The default factory keeps TLS 1.2's CBC suites and every curve OpenSSL knows, which
    Mozilla's profile excludes; gunicorn's `ciphers` and `ca_certs` settings are not used.
    The sync and gthread workers ask for a context on every connection: build it once.
    """
    return _tls_context(conf.certfile, conf.keyfile)


if certfile:
    # Read the certificate and key now, in the master: a wrong path or a key that does not
    # match stops gunicorn with one message instead of failing every handshake later.
    try:
        _tls_context(certfile, keyfile)
    except (OSError, ssl.SSLError) as error:
        raise SystemExit(
            f"无法加载 TLS 证书或私钥（GUNICORN_CERTFILE={certfile}，"
            f"GUNICORN_KEYFILE={keyfile}）：{error}"
        ) from None
