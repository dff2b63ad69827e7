"""Run a command with the development PostgreSQL and Redis the app needs (`make dev`, `setup`).

    python -m devtools.dev_services [--postgresql] [--redis] -- COMMAND...

For each service asked for, the URL comes from the environment or .env (DATABASE_URL,
REDIS_URL), as the app reads it. When it names 127.0.0.1/localhost and nothing answers on
its port, a private server is started from Debian's packages with its data under
instance/ (PostgreSQL: instance/postgres, created on first use with the URL's user,
password and database; Redis: instance/redis), listening on 127.0.0.1 only. Anything else
(another host, a port that already answers) is left alone: the app uses it as configured.
The servers stop when COMMAND ends, Ctrl-C included. A missing package or a failed start
is one Chinese line, never a traceback. Development only: production gets its services from
the deployment platform.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

LOOPBACK = ("127.0.0.1", "localhost")
INSTANCE = Path("instance")
START_TIMEOUT = 30.0
ROOT_NOTE = "（以 root 运行时数据库以 postgres 用户运行，它须能进入项目目录的每一级上级目录）"


class ServiceError(Exception):
    """A service could not be provided; the message is one Chinese line for the user."""


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of .env (comments and blanks skipped), as python-dotenv reads them."""
    values = {}
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            key, sep, value = line.partition("=")
            if sep and not key.lstrip().startswith("#"):
                values[key.strip()] = value.strip().strip("'\"")
    return values


def setting(name: str, dotenv: dict[str, str]) -> str:
    # The environment wins over .env, as with flask's load_dotenv.
    return os.environ.get(name) or dotenv.get(name, "")


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def wait_until_answering(host: str, port: int, what: str, setting_name: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not answers(host, port):
        if time.monotonic() > deadline:
            raise ServiceError(
                f"{what}未能在 {START_TIMEOUT:.0f} 秒内启动（{setting_name}，端口 {port}）"
            )
        time.sleep(0.2)


def postgres_bin(name: str) -> str | None:
    """A PostgreSQL server program: from PATH, else Debian's newest /usr/lib/postgresql/N/bin."""
    found = shutil.which(name)
    if found:
        return found
    def major(path: str) -> int:
        version = Path(path).parts[-3]
        return int(version) if version.isdigit() else 0

    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=major)
    return versions[-1] if versions else None


def as_postgres_user(command: list[str]) -> list[str]:
    """initdb and postgres refuse to run as root: run them as Debian's postgres user then."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def run_quietly(command: list[str], failure: str, **kwargs) -> None:
    result = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise ServiceError(f"{failure}：{detail[-1] if detail else result.returncode}")


def start_postgresql(url: str) -> list[str] | None:
    """Start the private cluster for DATABASE_URL; return the command that stops it, or None."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 5432
    if not parts.scheme.startswith("postgresql") or host not in LOOPBACK or answers(host, port):
        return None
    user, password = unquote(parts.username or "postgres"), unquote(parts.password or "")
    database = parts.path.lstrip("/") or user
    initdb, pg_ctl = postgres_bin("initdb"), postgres_bin("pg_ctl")
    if not initdb or not pg_ctl:
        raise ServiceError(
            f"DATABASE_URL 指向本机 {host}:{port}，但那里没有数据库，也未找到 PostgreSQL 程序："
            "请安装 Debian 软件包 postgresql（sudo apt-get install postgresql），"
            "或在 .env 中把 DATABASE_URL 改为已有的数据库"
        )
    root = (INSTANCE / "postgres").resolve()
    data = root / "data"
    root.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    if not (data / "PG_VERSION").is_file():
        print(f"首次使用：在 {data} 创建开发用 PostgreSQL（用户 {user}，数据库 {database}）",
              flush=True)
        with tempfile.NamedTemporaryFile("w", dir=root, delete=False) as pwfile:
            pwfile.write(password or user)
        if os.geteuid() == 0:
            shutil.chown(pwfile.name, "postgres", "postgres")
        try:
            run_quietly(as_postgres_user([
                initdb, "-D", str(data), "-U", user, f"--pwfile={pwfile.name}",
                "--auth=scram-sha-256", "-E", "UTF8", "--no-locale",
            ]), "开发用 PostgreSQL 初始化失败" + ROOT_NOTE * (os.geteuid() == 0))
        finally:
            os.unlink(pwfile.name)
        created = True
    else:
        created = False
    log = root / "server.log"
    options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={root}"
    run_quietly(as_postgres_user([
        pg_ctl, "-D", str(data), "-l", str(log), "-w", "-t", str(int(START_TIMEOUT)),
        "-o", options, "start",
    ]), f"开发用 PostgreSQL 启动失败（DATABASE_URL，端口 {port}；日志 {log}）",
        start_new_session=True)
    stop = as_postgres_user([pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"])
    if created:
        createdb = postgres_bin("createdb")
        env = {**os.environ, "PGPASSWORD": password or user}
        try:
            run_quietly(
                [createdb or "createdb", "-h", "127.0.0.1", "-p", str(port), "-U", user, database],
                f"创建数据库 {database} 失败", env=env,
            )
        except ServiceError:
            subprocess.run(stop, capture_output=True, check=False)
            raise
    print(f"开发用 PostgreSQL：127.0.0.1:{port}（数据在 {data}）", flush=True)
    return stop


def start_redis(url: str) -> subprocess.Popen | None:
    """Start a private Redis for REDIS_URL; return its process, or None when not needed."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 6379
    if parts.scheme != "redis" or host not in LOOPBACK or answers(host, port):
        return None
    server = shutil.which("redis-server")
    if not server:
        raise ServiceError(
            f"REDIS_URL 指向本机 {host}:{port}，但那里没有 Redis，也未找到 redis-server："
            "请安装 Debian 软件包 redis-server（sudo apt-get install redis-server），"
            "或在 .env 中把 REDIS_URL 改为已有的 Redis"
        )
    root = (INSTANCE / "redis").resolve()
    root.mkdir(parents=True, exist_ok=True)
    command = [server, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(root),
               "--logfile", str(root / "server.log"), "--daemonize", "no"]
    if parts.password:
        command += ["--requirepass", unquote(parts.password)]
    process = subprocess.Popen(command, start_new_session=True)  # stopped by us, not by Ctrl-C
    try:
        wait_until_answering("127.0.0.1", port, "开发用 Redis", "REDIS_URL")
    except ServiceError:
        process.terminate()
        raise
    print(f"开发用 Redis：127.0.0.1:{port}（数据在 {root}）", flush=True)
    return process


def run(command: list[str], *, postgresql: bool = False, redis: bool = False) -> int:
    dotenv = read_dotenv(Path(".env"))
    stop_postgres: list[str] | None = None
    redis_process: subprocess.Popen | None = None
    # `kill` (the tests, a process manager) stops the services as Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    try:
        if postgresql:
            stop_postgres = start_postgresql(setting("DATABASE_URL", dotenv))
        if redis:
            redis_process = start_redis(setting("REDIS_URL", dotenv))
        child = subprocess.Popen(command)
        try:
            return child.wait()
        except KeyboardInterrupt:  # Ctrl-C reached the child too: let it finish
            return child.wait()
        finally:
            if child.poll() is None:
                child.terminate()
                child.wait()
    except ServiceError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        if redis_process is not None:
            redis_process.terminate()
            redis_process.wait()
        if stop_postgres is not None:
            subprocess.run(stop_postgres, capture_output=True, check=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.dev_services",
                                     description="启动开发用的 PostgreSQL、Redis 并运行命令")
    parser.add_argument("--postgresql", action="store_true", help="按 DATABASE_URL 提供 PostgreSQL")
    parser.add_argument("--redis", action="store_true", help="按 REDIS_URL 提供 Redis")
    parser.add_argument("command", nargs="+", help="要运行的命令（放在 -- 之后）")
    args = parser.parse_args(argv)
    return run(args.command, postgresql=args.postgresql, redis=args.redis)


if __name__ == "__main__":
    sys.exit(main())
