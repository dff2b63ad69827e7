"""A production-like stack on loopback, for bench/ (`make bench`) and the stack tests
(tests/test_stack.py, tests/test_rolling_update.py).

    client ──HTTPS──▶ nginx (deploy/nginx.conf rendered for 127.0.0.1, dev_cert certificate)
                        └─▶ gunicorn instance(s) (deploy/gunicorn.conf.py, GUNICORN_WORKERS)
                              ├─▶ database: a fresh PostgreSQL database on TEST_DATABASE_URL's
                              │   server (the postgresql bake's `make test-backend`), else SQLite
{%- if cookiecutter.cache == "redis" %}
                              ├─▶ Redis: a redis-server of its own on a free port
{%- endif %}
                              └─HTTPS─▶ the platform simulator (gunicorn, dev_cert certificate)
    + the outbox relay (`flask outbox run`) and a `flask contacts sync` at start

The app runs with APP_ENV=production, exactly as deployed: every URL is HTTPS (so the
simulator is served over TLS too, and the app trusts the test CA through
REQUESTS_CA_BUNDLE), secure cookies, ProxyFix behind nginx. Each app process gets the
instance folder the test chooses (`create_app(instance_path=...)` in the gunicorn and flask
app specs), so nothing is written into the checkout's own instance/.

Every server listens on 127.0.0.1 on a free port and is stopped by `stop()`, which leaving
the `with` block calls in a finally. Every wait is a bounded poll.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

from . import PROJECT_ROOT
from .dev_cert import DevCert, ensure_dev_cert
from .html_forms import hidden_fields
from .nginx_conf import NGINX, missing_nginx_packages, render_loopback
from .platform_sim.settings import SimSettings

GUNICORN_CONF = PROJECT_ROOT / "deploy" / "gunicorn.conf.py"
# The virtualenv running the tests: its gunicorn and flask serve the stack.
BIN = Path(sys.executable).parent
PACKAGE = "{{ cookiecutter.__package_name }}"
CACHE = "{{ cookiecutter.cache }}"
REDIS_SERVER = shutil.which("redis-server")
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0 Safari/537.36"
STARTUP_SECONDS = 60.0
STOP_SECONDS = 30.0
# Worker pid, request line, status, duration in microseconds: who served what, and how fast.
ACCESS_LOG_FORMAT = '%(p)s "%(r)s" %(s)s %(D)s'
# What nginx adds to every request it forwards (TRUSTED_PROXY_HOPS=1 believes it).
FORWARDED_HTTPS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}
# Settings the stack sets itself; the caller's shell must not leak any of them in.
OWN_VARIABLES = ("APP_", "FLASK_", "DATABASE_URL", "REDIS_URL", "YWXT_", "GUNICORN_", "SIM_",
                 "TRUSTED_PROXY_HOPS", "HEALTH_CACHE_SECONDS", "FRONTEND_DIST",
                 "REQUESTS_CA_BUNDLE")


class StackError(RuntimeError):
    """A part of the stack did not start or stop; the message carries its log."""


def missing_programs() -> list[str]:
    """The Debian packages the stack needs that are not installed (nginx's modules too)."""
    missing = missing_nginx_packages()
    if CACHE == "redis" and REDIS_SERVER is None:
        missing.append("redis-server")
    return missing


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], object], what: str, *, seconds: float = STARTUP_SECONDS,
               services: tuple[Service, ...] = ()) -> object:
    """Poll `condition` until it returns a true value; fail if a service died or time is up."""
    deadline = time.monotonic() + seconds
    pause = 0.02
    while True:
        with contextlib.suppress(OSError, requests.RequestException):
            result = condition()
            if result:
                return result
        for service in services:
            if not service.alive():
                raise StackError(f"{service.name} exited while waiting for {what}:\n"
                                 f"{service.tail()}")
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {s.name}\n{s.tail()}" for s in services)
            raise StackError(f"{what}: not within {seconds:.0f} s\n{logs}")
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


def process_alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting for its parent counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def children_of(pid: int) -> list[int]:
    """Live child processes of `pid` (gunicorn workers, nginx workers)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] not in ("Z", "X"):
                found.append(int(stat.parent.name))
    return sorted(found)


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@dataclasses.dataclass
class Service:
    """A server process of the stack with its log file."""

    name: str
    process: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.process.poll() is None

    def tail(self, size: int = 4000) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")[-size:]
        except OSError:
            return "(no log)"

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(STOP_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@dataclasses.dataclass
class AppInstance:
    """One gunicorn master with its workers, as one VM or container would run it."""

    name: str
    port: int
    workers: int
    service: Service
    conf_file: Path
    pidfile: Path
    instance_path: Path

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def get(self, path: str, **kwargs) -> requests.Response:
        """Straight to this instance, as nginx forwards it: the app answers plain http
        with a redirect to https unless the proxy says the client used https."""
        return requests.get(f"http://{self.address}{path}", allow_redirects=False,
                            headers=FORWARDED_HTTPS, timeout=kwargs.pop("timeout", 10),
                            **kwargs)

    def master_pid(self) -> int | None:
        """The newest live master: after `kill -USR2` the new one writes `<pidfile>.2` (it
        is not our child), and renames it to the pidfile once the old master has exited."""
        for path in (self.pidfile.with_name(self.pidfile.name + ".2"), self.pidfile):
            with contextlib.suppress(OSError, ValueError):
                pid = int(path.read_text().strip())
                if process_alive(pid):
                    return pid
        return None

    def worker_pids(self) -> list[int]:
        master = self.master_pid()
        return children_of(master) if master else []

    def served_by(self) -> dict[int, int]:
        """Requests answered per worker pid, read from the access log."""
        counts: dict[int, int] = {}
        for match in re.finditer(r'(?m)^<(\d+)> "', self.service.tail(size=10**8)):
            pid = int(match.group(1))
            counts[pid] = counts.get(pid, 0) + 1
        return counts


def gunicorn_conf(version: str, run_dir: Path) -> str:
    """deploy/gunicorn.conf.py as shipped, plus this release's settings.

    gunicorn reads raw_env when it starts and when a new master starts (`kill -USR2`), so a
    rewritten copy hands the next release its APP_VERSION, as a new release on disk would.
    """
    return (GUNICORN_CONF.read_text(encoding="utf-8")
            + "\n\n# ---- loopback stack (devtools/loopback_stack.py): this release's settings\n"
            + f"raw_env = {[f'APP_VERSION={version}']!r}\n"
            + f"access_log_format = {ACCESS_LOG_FORMAT!r}\n"
            # One control socket per instance, not the shared $HOME/.gunicorn/gunicorn.ctl.
            + f"control_socket = {str(run_dir / 'gunicorn.ctl')!r}\n")


def set_upstreams(conf_text: str, addresses: list[str]) -> str:
    """The nginx configuration with `upstream app` pointing at `addresses`."""
    line = r"[ \t]*server [0-9.]+:\d+[^;\n]*;\n"
    lines = re.compile(rf"(?m)^(?=([ \t]*))(?:{line})+")
    match = lines.search(conf_text)
    assert match, "nginx.conf has no upstream server line any more: update loopback_stack.py"
    indent = match.group(1)
    servers = "".join(f"{indent}server {address};\n" for address in addresses)
    return conf_text[:match.start()] + servers + conf_text[match.end():]


@dataclasses.dataclass
class Database:
    url: str
    drop: Callable[[], None]


def create_database(workdir: Path) -> Database:
    """A fresh PostgreSQL database next to TEST_DATABASE_URL's, or a SQLite file."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        return Database(f"sqlite:///{workdir / 'app.db'}", lambda: None)
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"stack_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    return Database(url, drop)


class LoopbackStack:
    """Start with `with LoopbackStack(workdir) as stack:`; everything stops on leaving it.

    `shared_instance`: every app process uses one instance folder, as the processes of one
    host do (the file token store is per host); with Redis each gets its own, so whatever
    they share goes through Redis.
    """

    def __init__(self, workdir: Path, *, workers: int = 4, instances: int = 1,
                 version: str = "1.0.0", relay: bool = True,
                 app_factory: str = f"{PACKAGE}:create_app",
                 shared_instance: bool = CACHE != "redis",
                 sim_env: dict[str, str] | None = None,
                 app_settings: dict[str, str] | None = None):
        self.workdir = Path(workdir)
        self.workers = workers
        self.instance_count = instances
        self.version = version
        self.relay = relay
        self.app_factory = app_factory
        self.shared_instance = shared_instance
        self.sim_env = sim_env or {}
        self.app_settings = app_settings or {}  # on top of app_env's production settings
        self.services: list[Service] = []
        self.instances: list[AppInstance] = []
        self.cleanups: list[Callable[[], None]] = []
        self.http_port = free_port()
        self.https_port = free_port()
        self.base_url = f"https://localhost:{self.https_port}"
        self.cert: DevCert | None = None
        self.sim_url = ""
        self.redis_url: str | None = None
        self.database: Database | None = None
        self.nginx: Service | None = None
        self.nginx_conf = self.workdir / "nginx" / "nginx.conf"

    # ---- the whole stack --------------------------------------------------------------

    def __enter__(self) -> LoopbackStack:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> None:
        missing = missing_programs()
        if missing:
            raise StackError(f"not installed: {', '.join(missing)}")
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.cert = ensure_dev_cert(self.workdir / "dev-cert")
        self.start_simulator()
        if CACHE == "redis":
            self.start_redis()
        self.database = create_database(self.workdir)
        self.cleanups.append(self.database.drop)
        self.flask("db", "upgrade")
        self.flask("contacts", "sync")
        if self.relay:
            self.start_service("relay", [str(BIN / "flask"), "--app", self.app_spec("relay"),
                                         "outbox", "run", "--idle-seconds", "0.2"],
                               self.app_env())
        for number in range(self.instance_count):
            self.start_app(chr(ord("a") + number), version=self.version)
        self.start_nginx([instance.address for instance in self.instances])

    def stop(self) -> None:
        """Stop every process (newest first), then drop the database; never raises."""
        for instance in self.instances:
            # After `kill -USR2` the serving master is not our child: stop it by its pid.
            master = instance.master_pid()
            if master and master != instance.service.process.pid and process_alive(master):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(master, signal.SIGTERM)
                with contextlib.suppress(StackError):
                    wait_until(lambda pid=master: not process_alive(pid), "master stopped",
                               seconds=STOP_SECONDS)
        for service in reversed(self.services):
            service.stop()
        for cleanup in reversed(self.cleanups):
            with contextlib.suppress(Exception):
                cleanup()
        self.cleanups.clear()

    def start_service(self, name: str, command: list[str], env: dict[str, str]) -> Service:
        log = self.workdir / f"{name}.log"
        with log.open("ab") as output:
            process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=output,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        service = Service(name, process, log)
        self.services.append(service)
        return service

    # ---- parts ------------------------------------------------------------------------

    def base_env(self) -> dict[str, str]:
        return {key: value for key, value in os.environ.items()
                if not key.startswith(OWN_VARIABLES)}

    def start_simulator(self) -> None:
        port = free_port()
        self.sim_url = f"https://127.0.0.1:{port}"
        env = {**self.base_env(), **self.sim_env}
        # The platform speaks HTTPS; gunicorn's own TLS with the test certificate. One
        # process: the simulator keeps its state in memory.
        service = self.start_service("simulator", [
            str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1",
            "--threads", "16", "--no-control-socket", "--certfile", str(self.cert.cert),
            "--keyfile", str(self.cert.key), "devtools.platform_sim:create_app()"], env)
        wait_until(lambda: self.sim("GET", "/_sim/status").ok, "simulator",
                   services=(service,))

    def start_redis(self) -> None:
        port = free_port()
        directory = self.workdir / "redis"
        directory.mkdir(exist_ok=True)
        service = self.start_service("redis", [
            REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
            "--appendonly", "no", "--dir", str(directory)], self.base_env())
        self.redis_url = f"redis://127.0.0.1:{port}/0"

        def pong() -> bool:
            with socket.create_connection(("127.0.0.1", port), 1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")

        wait_until(pong, "redis-server", services=(service,))

    def instance_path(self, name: str) -> Path:
        path = self.workdir / "instance" / ("host" if self.shared_instance else name)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def app_spec(self, name: str) -> str:
        """The app factory with this process's instance folder (gunicorn and flask --app)."""
        return f"{self.app_factory}(instance_path={str(self.instance_path(name))!r})"

    def app_env(self) -> dict[str, str]:
        """A complete production environment pointing at the loopback services."""
        # The app is registered with the simulator as the simulator is configured.
        platform = SimSettings.from_env(self.sim_env)
        env = {
            **self.base_env(),
            "APP_ENV": "production",
            "FLASK_SECRET_KEY": "loopback-stack-" + "k" * 40,
            "FLASK_SKIP_DOTENV": "1",  # the checkout's .env is for `make dev`, not this stack
            "APP_BASE_URL": self.base_url,
            "DATABASE_URL": self.database.url,
            "YWXT_API_BASE": self.sim_url,
            "YWXT_OAUTH_AUTHORIZE_URL": f"{self.sim_url}/connect/oauth2/authorize",
            "YWXT_WEB_LOGIN_URL": f"{self.sim_url}/wwlogin/sso/login",
            "YWXT_JSSDK_URL": f"{self.sim_url}/jssdk/jweixin.js",
            "YWXT_CORP_ID": platform.corp_id,
            "YWXT_AGENT_ID": platform.agent_id,
            "YWXT_PC_AGENT_ID": platform.pc_agent_id,
            "YWXT_SECRET": platform.secret,
            "TRUSTED_PROXY_HOPS": "1",
            "REQUESTS_CA_BUNDLE": str(self.cert.ca),
        }
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
        return {**env, **self.app_settings}

    def flask(self, *args: str) -> str:
        """Run a `flask` command of the app (migrations, contacts sync); returns its output."""
        done = subprocess.run([str(BIN / "flask"), "--app", self.app_spec("cli"), *args],
                              cwd=PROJECT_ROOT, env=self.app_env(), capture_output=True,
                              text=True, timeout=120)
        if done.returncode != 0:
            raise StackError(f"flask {' '.join(args)}:\n{done.stdout}{done.stderr}")
        return done.stdout

    def start_app(self, name: str, *, version: str, workers: int | None = None) -> AppInstance:
        """A gunicorn instance on its own port, not yet behind nginx (see `route_to`)."""
        port = free_port()
        run_dir = self.workdir / f"app-{name}"
        run_dir.mkdir(exist_ok=True)
        conf_file = run_dir / "gunicorn.conf.py"
        conf_file.write_text(gunicorn_conf(version, run_dir), encoding="utf-8")
        pidfile = run_dir / "gunicorn.pid"
        env = {**self.app_env(), "GUNICORN_BIND": f"127.0.0.1:{port}",
               "GUNICORN_WORKERS": str(workers or self.workers)}
        service = self.start_service(f"app-{name}", [
            str(BIN / "gunicorn"), "-c", str(conf_file), "--pid", str(pidfile),
            self.app_spec(name)], env)
        instance = AppInstance(name, port, workers or self.workers, service, conf_file, pidfile,
                               self.instance_path(name))
        self.instances.append(instance)
        self.wait_ready(instance)
        return instance

    def wait_ready(self, instance: AppInstance) -> None:
        """Until the instance's current master has all its workers and answers /livez."""

        def ready() -> bool:
            if len(instance.worker_pids()) < instance.workers:
                return False
            return instance.get("/livez", timeout=2).status_code == 200

        wait_until(ready, f"app {instance.name}", services=(instance.service,))

    def start_nginx(self, upstreams: list[str]) -> None:
        run_dir = self.nginx_conf.parent
        run_dir.mkdir(exist_ok=True)
        dist = PROJECT_ROOT / "frontend" / "dist"
        if not dist.is_dir():
            dist = run_dir / "dist"
            dist.mkdir(exist_ok=True)
        text = render_loopback((PROJECT_ROOT / "deploy" / "nginx.conf").read_text("utf-8"),
                               run_dir=run_dir, dist=dist, cert=self.cert.cert,
                               key=self.cert.key, upstream=upstreams[0],
                               http_port=self.http_port, https_port=self.https_port)
        self.nginx_conf.write_text(set_upstreams(text, upstreams), encoding="utf-8")
        self.check_nginx_conf()
        self.nginx = self.start_service("nginx", self.nginx_command("-g", "daemon off;"),
                                        self.base_env())
        wait_until(lambda: self.get("/livez").ok, "nginx", services=(self.nginx,))

    def nginx_command(self, *args: str) -> list[str]:
        run_dir = self.nginx_conf.parent
        return [NGINX, "-p", str(run_dir), "-e", str(run_dir / "error.log"),
                "-c", str(self.nginx_conf), *args]

    def check_nginx_conf(self) -> None:
        checked = subprocess.run(self.nginx_command("-t"), capture_output=True, text=True,
                                 timeout=30)
        if checked.returncode != 0:
            raise StackError(f"nginx -t:\n{checked.stderr}")

    def nginx_workers(self) -> list[int]:
        return children_of(self.nginx.process.pid)

    def route_to(self, *instances: AppInstance) -> None:
        """Point nginx's upstream at `instances` and reload it gracefully (`nginx -s reload`).

        Returns once the old nginx workers have finished their requests and exited, so no
        request can reach an upstream that was switched away from after this.
        """
        before = set(self.nginx_workers())
        self.nginx_conf.write_text(
            set_upstreams(self.nginx_conf.read_text("utf-8"),
                          [instance.address for instance in instances]), encoding="utf-8")
        self.check_nginx_conf()
        self.nginx.process.send_signal(signal.SIGHUP)

        def old_workers_gone() -> bool:
            now = set(self.nginx_workers())
            return bool(now) and not now & before

        wait_until(old_workers_gone, "nginx reload", services=(self.nginx,))

    # ---- clients ----------------------------------------------------------------------

    def session(self) -> requests.Session:
        """A browser-like client that trusts the test CA."""
        session = requests.Session()
        # Only the test CA: a REQUESTS_CA_BUNDLE in the environment would override `verify`.
        session.trust_env = False
        session.verify = str(self.cert.ca)
        session.headers["User-Agent"] = BROWSER_UA
        return session

    def get(self, path: str, **kwargs) -> requests.Response:
        with self.session() as session:
            return session.get(self.base_url + path, timeout=10, **kwargs)

    def sim(self, method: str, path: str, **kwargs) -> requests.Response:
        with self.session() as session:
            return session.request(method, self.sim_url + path, timeout=10, **kwargs)

    def login(self, session: requests.Session, userid: str) -> dict:
        """The SSO login a person makes in a browser, through nginx; returns /api/me."""
        started = session.get(f"{self.base_url}/auth/login", params={"next": "/"},
                              allow_redirects=False, timeout=10)
        if started.status_code != 302:
            raise StackError(f"/auth/login answered {started.status_code}: {started.text}")
        platform_url = started.headers["Location"].split("#")[0]
        page = session.get(platform_url, timeout=10)
        action = urljoin(platform_url, urlsplit(platform_url).path)
        picked = session.post(action, data={**hidden_fields(page.text), "userid": userid},
                              allow_redirects=False, timeout=10)
        if picked.status_code != 302:
            raise StackError(f"the platform's login page answered {picked.status_code}")
        callback = session.get(picked.headers["Location"], allow_redirects=False, timeout=10)
        if callback.status_code != 302:
            raise StackError(f"/auth/callback answered {callback.status_code}: "
                             f"{callback.text[:500]}")
        me = session.get(f"{self.base_url}/api/me", timeout=10)
        me.raise_for_status()
        return me.json()

    def gettoken_calls(self) -> int:
        """How many times the platform was asked for an access_token."""
        answer = self.sim("GET", "/_sim/calls", params={"path": "/cgi-bin/gettoken"})
        answer.raise_for_status()
        return len(answer.json()["calls"])
