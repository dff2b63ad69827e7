"""gunicorn settings: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Every value can be overridden from the environment (GUNICORN_*), so one file serves
the container, the VM and the loopback test stack.
"""

import multiprocessing
import os

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
