"""`make bench`: throughput and latency of the production-like stack on this machine.

DB31DSJ/Z 003 §6.2.4 h asks for a performance test and §6.3.3 a for answers within 5 s.
devtools/loopback_stack.py starts nginx (TLS) → gunicorn (deploy/gunicorn.conf.py) → the
database{% if cookiecutter.cache == "redis" %} and Redis{% endif %} → the platform simulator on 127.0.0.1, and Debian's wrk loads it
from the same machine. For each endpoint and each number of concurrent users (wrk
connections): requests per second and the p50/p95/p99 latency, each as a ratio to a bare
Flask route answering the same JSON (devtools/bench/harness.py), served by the same workers
behind the same nginx and measured in the same run: A B A B, each endpoint's run right
after one of the bare route's, for several rounds; medians (devtools/bench/report.py).
Absolute figures move with the machine; the ratios hold. Also, from the same run:

- logged-in requests spread over several sessions (`SESSIONS`), as from many people;
- peak memory of each gunicorn worker (VmHWM and PSS from /proc);
- how many access tokens the platform issued (one per token lifetime is the target).

Figures, not a test. Prints a table and writes devtools/bench/results.json, a report
(results.md) and a plot of req/s and p99 against users (results.svg) beside it.

    python -m devtools.bench.run            # about 6 minutes on 2 cores
    python -m devtools.bench.run --tiny     # a few seconds: checks the harness, not the numbers
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from {{ cookiecutter.__package_name }}.features import INSTALLED_FEATURES

from ..loopback_stack import CACHE, LoopbackStack, missing_programs
from . import report

BENCH_DIR = Path(__file__).resolve().parent
LUA_SCRIPT = BENCH_DIR / "wrk.lua"
WRK = shutil.which("wrk")
USER_LEVELS = (10, 50, 200)
SECONDS_PER_RUN = 3
ROUNDS = 3  # A B A B rounds; the medians need at least three
TOKEN_LIFETIME_SECONDS = 7200  # the platform's access_token expires_in
SEEDED_ITEMS = 20
# Distinct logged-in sessions the load spreads over, one after another, like that many
# people: a cache that only ever saw one session would flatter it. The login limit
# (30 per minute per address, two /auth requests per login) caps how many can log in.
SESSIONS = 12
SESSION_USERS = ("zhangwei", "lina")
ITEM_BODY = json.dumps({"title": "压测事项", "assignee_userid": "lina"}, ensure_ascii=False)


@dataclasses.dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    logged_in: bool = False
    body: str = ""


# The sample feature's list and create, measured when the app has it (include_demo).
HAS_DEMO = "items" in INSTALLED_FEATURES
BARE = Endpoint(report.BARE, "GET", "/_bench/me")
ENDPOINTS = (
    BARE,
    Endpoint("livez", "GET", "/livez"),
    Endpoint("healthz", "GET", "/healthz"),
    Endpoint("me", "GET", "/api/me", logged_in=True),
) + ((
    Endpoint("items list", "GET", "/api/items", logged_in=True),
    Endpoint("items create", "POST", "/api/items", logged_in=True, body=ITEM_BODY),
) if HAS_DEMO else ())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devtools.bench.run",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--tiny", action="store_true",
                        help="1 s per run, 2 users, 2 rounds: checks the harness only")
    parser.add_argument("--seconds", type=int, default=SECONDS_PER_RUN)
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--users", default=",".join(map(str, USER_LEVELS)),
                        help="concurrent users (wrk connections), comma-separated")
    parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count() * 2 + 1,
                        help="gunicorn workers (default: deploy/gunicorn.conf.py's, 2×CPU+1)")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results.json")
    args = parser.parse_args(argv)
    args.levels = [2] if args.tiny else [int(n) for n in args.users.split(",")]
    if args.tiny:
        args.seconds, args.rounds = 1, 2
    if args.rounds < 1 or args.seconds < 1 or min(args.levels) < 1:
        parser.error("--rounds、--seconds 和 --users 都必须是正整数")
    return args


def run_wrk(url: str, endpoint: Endpoint, users: int, seconds: int,
            sessions: list[tuple[str, str]]) -> dict:
    """One wrk run; the summary bench/wrk.lua printed, with latencies in milliseconds.

    `sessions` are (cookie, CSRF token) pairs; each request takes the next one.
    """
    env = {**os.environ, "BENCH_METHOD": endpoint.method, "BENCH_BODY": endpoint.body,
           "BENCH_SESSIONS": "\n".join(f"{cookie}\t{csrf}" for cookie, csrf in sessions)
           if endpoint.logged_in else ""}
    command = [WRK, "-t", str(min(2, users)), "-c", str(users), "-d", f"{seconds}s",
               # Slower answers count as errors; §6.3.3 a allows 5 s.
               "--timeout", "10s", "-s", str(LUA_SCRIPT), url + endpoint.path]
    done = subprocess.run(command, env=env, capture_output=True, text=True,  # noqa: S603
                          timeout=seconds + 60)
    lines = [line for line in done.stdout.splitlines() if line.startswith("BENCH_RESULT ")]
    if done.returncode != 0 or not lines:
        raise SystemExit(f"wrk failed on {endpoint.path}:\n{done.stdout}{done.stderr}")
    summary = json.loads(lines[-1].split(" ", 1)[1])
    elapsed = summary["duration_us"] / 1e6
    return {
        "endpoint": endpoint.path, "name": endpoint.name, "method": endpoint.method,
        "users": users, "seconds": round(elapsed, 2), "requests": summary["requests"],
        "requests_per_second": round(summary["requests"] / elapsed, 1),
        "latency_ms": {key: round(value / 1000, 2)
                       for key, value in summary["latency_us"].items()},
        "errors": summary["errors"],
    }


def log_in(stack: LoopbackStack, userid: str) -> tuple[str, str]:
    """A browser's SSO login through nginx; its session cookie and CSRF token."""
    browser = stack.session()
    me = stack.login(browser, userid)
    cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies
                       if c.name.endswith("ywxt_session"))
    return cookie, me["csrf_token"]


def post_item(stack: LoopbackStack, session: tuple[str, str]) -> None:
    cookie, csrf = session
    stack.session().post(f"{stack.base_url}/api/items", data=ITEM_BODY.encode(), timeout=10,
                         headers={"Cookie": cookie, "X-CSRF-Token": csrf,
                                  "Content-Type": "application/json"}).raise_for_status()


def proc_kib(pid: int, path: str, field: str) -> int:
    for line in Path(f"/proc/{pid}/{path}").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def memory_report(stack: LoopbackStack) -> dict:
    """Peak RSS (VmHWM) and PSS of each worker: PSS shares the preloaded pages fairly."""
    [instance] = stack.instances
    workers = [{"pid": pid,
                "peak_rss_mib": round(proc_kib(pid, "status", "VmHWM") / 1024, 1),
                "pss_mib": round(proc_kib(pid, "smaps_rollup", "Pss") / 1024, 1)}
               for pid in instance.worker_pids()]
    master = instance.master_pid()
    return {
        "workers": workers,
        "worker_peak_rss_mib_max": max(w["peak_rss_mib"] for w in workers),
        "worker_pss_mib_mean": round(sum(w["pss_mib"] for w in workers) / len(workers), 1),
        "master_peak_rss_mib": round(proc_kib(master, "status", "VmHWM") / 1024, 1),
    }


def machine_report(workers: int) -> dict:
    cpu = next((line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory_kib = int(Path("/proc/meminfo").read_text().split()[1])
    nginx = subprocess.run([shutil.which("nginx") or "/usr/sbin/nginx", "-v"],  # noqa: S603
                           capture_output=True, text=True).stderr.strip()
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_gib": round(memory_kib / 1024**2, 1),
        "kernel": platform.release(), "python": platform.python_version(),
        "nginx": nginx.split("/")[-1], "database": database_kind(), "cache": CACHE,
        "gunicorn_workers": workers, "gunicorn_threads": int(os.environ.get(
            "GUNICORN_THREADS", "2")),
    }


def database_kind() -> str:
    return "postgresql" if os.environ.get("TEST_DATABASE_URL", "").startswith(
        "postgresql") else "sqlite"


def measure(stack: LoopbackStack, args: argparse.Namespace,
            sessions: list[tuple[str, str]]) -> list[dict]:
    """A B A B: in each round and at each level, every endpoint runs right after the bare
    route, so each pair shares whatever else the machine was doing at that moment."""
    runs = []
    for round_number in range(1, args.rounds + 1):
        for users in args.levels:
            for endpoint in ENDPOINTS[1:]:
                for measured in (BARE, endpoint):
                    run = run_wrk(stack.base_url, measured, users, args.seconds, sessions)
                    runs.append({**run, "round": round_number, "pair": endpoint.name})
                print(f"  第 {round_number} 轮 {endpoint.method} {endpoint.path} × {users}："
                      f"{runs[-1]['requests_per_second']} req/s（裸路由 "
                      f"{runs[-2]['requests_per_second']}）", file=sys.stderr, flush=True)
    return runs


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    missing = missing_programs() + ([] if WRK else ["wrk"])
    if missing:
        print(f"缺少系统软件包：{' '.join(missing)}（apt-get install {' '.join(missing)}）",
              file=sys.stderr)
        return 2
    started = dt.datetime.now(dt.UTC)
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-") as workdir, LoopbackStack(
            Path(workdir), workers=args.workers, relay=False,
            app_factory="devtools.bench.harness:create_app_with_bare_route",
            # The simulator's per-path rate limit would otherwise answer 45009 to logins.
            sim_env={"SIM_RATE_LIMIT_PER_MIN": "100000"},
            # The bench measures what creating an item costs; a few users writing thousands
            # of items a minute would otherwise measure the per-user write limit's 429.
            app_settings={"USER_WRITES_PER_MINUTE": "100000000"}) as stack:
        sessions = [log_in(stack, SESSION_USERS[n % len(SESSION_USERS)])
                    for n in range(2 if args.tiny else SESSIONS)]
        for n in range(SEEDED_ITEMS if HAS_DEMO else 0):  # something to list, for each user
            post_item(stack, sessions[n % len(SESSION_USERS)])
        if not args.tiny:  # warm every path once, unrecorded
            for endpoint in ENDPOINTS:
                run_wrk(stack.base_url, endpoint, 10, 1, sessions)
        runs = measure(stack, args, sessions)
        memory = memory_report(stack)
        gettoken_calls = stack.gettoken_calls()
    summary = report.summarise(runs)
    ratios = report.ratios(runs)
    results = {
        "generated_at": started.isoformat(timespec="seconds"),
        "tiny": args.tiny,
        # Other work on the machine skews every figure: the 1-minute load, before and after.
        "machine": {**machine_report(args.workers),
                    "load_average_before": round(load_before, 2),
                    "load_average_after": round(os.getloadavg()[0], 2)},
        "seconds_per_run": args.seconds,
        "rounds": args.rounds,
        "sessions": len(sessions),
        "runs": runs,
        "summary": summary,
        "ratios": ratios,
        "memory": memory,
        "platform_tokens": {
            "gettoken_calls": gettoken_calls,
            "run_seconds": round((dt.datetime.now(dt.UTC) - started).total_seconds()),
            "token_lifetime_seconds": TOKEN_LIFETIME_SECONDS,
        },
        "targets": report.targets(summary, ratios),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n",
                           encoding="utf-8")
    plot = report.plot(summary, args.output.with_suffix(".svg"))
    markdown = report.write_markdown(results, args.output.with_suffix(".md"), plot)
    print(report.table(results))
    print(f"\n已写入 {args.output}、{markdown.name} 和 {plot.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
