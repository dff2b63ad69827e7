"""Bake one option at a time (cookiecutter-django's shape) and check every result."""

from __future__ import annotations

import json
import re
import tomllib

import pytest

from .bakery import TEMPLATE, leftover_placeholders, ruff_check

SUPPORTED_COMBINATIONS = [
    {},
    {"app_category": "办公应用"},
    {"app_category": "工具应用"},
    {"app_category": "业务应用"},
    {"industry_theme": "城市管理"},
    # Without the 网页端 there is no portal to embed the app: the two go together.
    {"terminals": "mobile+pc", "portal_origins": ""},
    {"terminals": "mobile", "portal_origins": ""},
    {"visible_scope": "信息中心"},
    {"developer_org": "某某科技有限公司"},
    # Work secrets require a server database (§6.2.3, 等保三级).
    {"handles_work_secrets": True, "database": "postgresql"},
    {"page_width_mode": "fixed"},
    {"page_width_mode": "fixed", "fixed_page_width": "760"},
    {"page_width_mode": "fixed", "fixed_page_width": "950"},
    {"app_domain": "https://app.example.gov.cn:8443"},
    {"portal_origins": ""},
    {"portal_origins": "https://portal.example.gov.cn,https://zwdt.example.gov.cn"},
    {"database": "postgresql"},
    {"cache": "redis"},
    {"database": "postgresql", "cache": "redis"},
    {"oidc": True},
    {"include_demo": False},
    {"include_demo": False, "database": "postgresql", "cache": "redis"},
    {"ci": "github"},
    {"ci": "none"},
    {"app_name": "Ywxt2026", "app_slug": "ywxt2026"},
    {"app_slug": "shi-xiang-ban-li"},
    # A package name sorting before "devtools" must not upset any import block.
    {"app_slug": "abc-shixiang"},
    # The longest slug the pre-gen hook accepts (40) keeps every import line under 100.
    {"app_slug": "a" * 11 + "-shixiang-banli-xitong-" + "z" * 6, "database": "postgresql",
     "cache": "redis", "oidc": True},
]


def _fixture_id(ctx: dict) -> str:
    return "-".join(f"{key}:{value}" for key, value in ctx.items()) or "defaults"


@pytest.mark.parametrize("context_override", SUPPORTED_COMBINATIONS, ids=_fixture_id)
def test_bake_is_clean(cookies, context, context_override):
    """Each supported combination bakes, leaves no placeholder and passes ruff."""
    result = cookies.bake(extra_context={**context, **context_override})
    assert result.exit_code == 0, result.exception
    assert result.exception is None
    project = result.project_path
    assert project.name == {**context, **context_override}["app_slug"]
    assert leftover_placeholders(project) == []
    lint = ruff_check(project)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    with open(project / "pyproject.toml", "rb") as file:
        assert tomllib.load(file)["project"]["name"] == project.name


def _bake(cookies, context, **override):
    result = cookies.bake(extra_context={**context, **override})
    assert result.exit_code == 0, result.exception
    return result.project_path


def _dependencies(project) -> list[str]:
    with open(project / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]["dependencies"]


# The cache option's implementations (post_gen_project's remove_redis_files).
EMBEDDED_CACHE_FILES = (
    "src/xietong_shixiang/embedded_store.py",
    "src/xietong_shixiang/auth/session_cache.py",
    "src/xietong_shixiang/auth/worker_session_cache.py",
    "src/xietong_shixiang/platform/file_token_store.py",
    "tests/test_session_cache.py",
    "tests/test_worker_session_cache.py",
    "tests/test_token_store.py",
)
REDIS_CACHE_FILES = (
    "src/xietong_shixiang/redis_store.py",
    "src/xietong_shixiang/auth/redis_session_cache.py",
    "src/xietong_shixiang/platform/redis_token_store.py",
    "tests/redis_fixtures.py",
    "tests/test_redis_store.py",
    "tests/test_redis_session_cache.py",
    "tests/test_redis_token_store.py",
)
# Files outside the cache option that still name Redis in an embedded bake:
# - the REDIS_URL setting: Config keeps `redis_url` (None, never read without the Redis
#   cache) because cli.py shows it and these modules pass it on;
# - the loopback stack and the deploy tests, which start or expect a redis-server only for
#   cache = redis but decide so at run time (CACHE == "redis").
REDIS_URL_SETTING_FILES = {
    "src/xietong_shixiang/config.py",
    "src/xietong_shixiang/cli.py",
    "src/xietong_shixiang/security/rate_limits.py",
    "src/xietong_shixiang/compliance/backend.py",
}
STACK_FILES = {"devtools/loopback_stack.py", "tests/test_stack.py", "tests/test_deploy_files.py"}


def _naming_redis(project) -> set[str]:
    """The files under src/ and tests/ whose text names Redis, in any case."""
    return {
        str(path.relative_to(project))
        for folder in ("src", "tests")
        for path in (project / folder).rglob("*.py")
        if "redis" in path.read_text(encoding="utf-8").lower()
    }


def test_default_bake_is_sqlite_and_embedded_cache(cookies, context):
    project = _bake(cookies, context)
    dependencies = _dependencies(project)
    assert not any(dep.startswith(("psycopg", "redis")) for dep in dependencies)
    assert all("==" in dep for dep in dependencies), "every dependency is pinned"
    assert [path for path in EMBEDDED_CACHE_FILES if not (project / path).exists()] == []
    assert [path for path in REDIS_CACHE_FILES if (project / path).exists()] == []
    assert "REDIS_URL" not in (project / ".env.example").read_text(encoding="utf-8")


def test_an_embedded_bake_contains_no_redis_code(cookies, context):
    """No Redis client, store, fixture or test; only the leftovers named above remain."""
    project = _bake(cookies, context)
    assert _naming_redis(project) <= REDIS_URL_SETTING_FILES | STACK_FILES
    package = project / "src" / "xietong_shixiang"
    assert "bind_cache(app)" in (package / "__init__.py").read_text(encoding="utf-8")
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert "不读取 `REDIS_URL`" in readme


def test_postgresql_bake_ships_the_driver_and_a_database_url(cookies, context):
    project = _bake(cookies, context, database="postgresql")
    assert "psycopg[binary]==3.3.9" in _dependencies(project)
    env_example = (project / ".env.example").read_text(encoding="utf-8")
    assert "DATABASE_URL=postgresql+psycopg://" in env_example
    assert "pg_virtualenv" in (project / "Makefile").read_text(encoding="utf-8")


def test_redis_bake_ships_both_caches_and_checks_redis(cookies, context):
    project = _bake(cookies, context, cache="redis")
    assert "redis==8.1.0" in _dependencies(project)
    assert [path for path in EMBEDDED_CACHE_FILES + REDIS_CACHE_FILES
            if not (project / path).exists()] == []
    package = project / "src" / "xietong_shixiang"
    assert "register_check(app, check_cache)" in (package / "redis_store.py").read_text(
        encoding="utf-8")
    assert 'CACHE_KIND = "redis"' in (package / "config.py").read_text(encoding="utf-8")
    assert "REDIS_URL=redis://" in (project / ".env.example").read_text(encoding="utf-8")


def test_the_cache_option_is_not_jinja_in_python():
    """Each cache is a set of files the hook keeps or deletes: no Python file of the
    template switches on it, except the stack tests' and the benchmark's docstrings."""
    project = TEMPLATE / "{{cookiecutter.app_slug}}"
    switching = {
        str(path.relative_to(project))
        for path in [*project.rglob("*.py"), *(TEMPLATE / "hooks").rglob("*.py")]
        if "node_modules" not in path.parts
        and re.search(r"{%-?\s*if\s+cookiecutter\.cache", path.read_text(encoding="utf-8"))
    }
    assert switching <= {"tests/test_stack.py", "devtools/loopback_stack.py",
                         "devtools/bench/run.py"}


OIDC_FILES = (
    "src/xietong_shixiang/auth/oidc.py",
    "devtools/platform_sim/oidc.py",
    "tests/test_oidc.py",
)


def test_oidc_bake_ships_the_openid_connect_login(cookies, context):
    project = _bake(cookies, context, oidc=True)
    assert [path for path in OIDC_FILES if not (project / path).exists()] == []
    dependencies = _dependencies(project)
    assert "authlib==1.9.6" in dependencies
    assert "joserfc==1.8.0" in dependencies
    env_example = (project / ".env.example").read_text(encoding="utf-8")
    assert "OIDC_ISSUER=http://127.0.0.1:5001" in env_example
    assert "OIDC_CLIENT_ID=" in env_example and "OIDC_CLIENT_SECRET=" in env_example
    assert "OIDC_ISSUER" in (project / ".env").read_text(encoding="utf-8")
    sources = {path: (project / path).read_text(encoding="utf-8") for path in (
        "src/xietong_shixiang/auth/__init__.py",
        "src/xietong_shixiang/config.py",
        "devtools/platform_sim/__init__.py",
    )}
    assert all("oidc" in text for text in sources.values())
    assert "OpenID Connect" in (project / "README.md").read_text(encoding="utf-8")


def test_default_bake_has_no_openid_connect(cookies, context):
    project = _bake(cookies, context)
    assert [path for path in OIDC_FILES if (project / path).exists()] == []
    assert not any(dep.startswith(("authlib", "joserfc")) for dep in _dependencies(project))
    assert "OIDC_" not in (project / ".env.example").read_text(encoding="utf-8")
    package = project / "src" / "xietong_shixiang"
    for path in (package / "auth" / "__init__.py", package / "auth" / "views.py",
                 package / "config.py", project / "devtools" / "platform_sim" / "__init__.py"):
        assert "oidc" not in path.read_text(encoding="utf-8").lower(), path
    # The columns are in every bake: one migration history whatever the options.
    assert (project / "migrations" / "versions" / "0004_oidc_login.py").exists()


def test_dotenv_gets_a_random_secret(cookies, context):
    first = _bake(cookies, context)
    env = (first / ".env").read_text(encoding="utf-8")
    assert "!!!SET FLASK_SECRET_KEY!!!" not in env
    secret = next(line for line in env.splitlines() if line.startswith("FLASK_SECRET_KEY="))
    assert len(secret.split("=", 1)[1]) >= 48
    second = _bake(cookies, context)
    other = (second / ".env").read_text(encoding="utf-8")
    assert secret not in other, "each bake gets its own secret"


def test_registration_json_carries_the_registration_fields(cookies, context):
    project = _bake(cookies, context, page_width_mode="fixed", fixed_page_width="800")
    registration = json.loads((project / "registration.json").read_text(encoding="utf-8"))
    assert registration["app_name"] == "协同事项"
    assert registration["home_url"] == "https://xietong.example.gov.cn/"
    assert registration["health_url"] == "https://xietong.example.gov.cn/healthz"
    assert registration["trusted_domain"] == "xietong.example.gov.cn"
    assert registration["page_width"] == {"mode": "fixed", "width": 800}
    assert registration["terminals"] == ["移动端", "PC客户端", "网页端"]


def test_jinja_is_not_applied_to_copy_only_files(cookies, context):
    """Flask's own templates keep their {{ }} (they are in _copy_without_render)."""
    project = _bake(cookies, context)
    source = next((TEMPLATE / "{{cookiecutter.app_slug}}" / "src").glob("*/templates/error.html"))
    baked = project / "src" / "xietong_shixiang" / "templates" / "error.html"
    assert baked.read_bytes() == source.read_bytes()
    assert b"{{ title }}" in baked.read_bytes()


def test_kubernetes_manifests_only_with_a_server_database(cookies, context):
    """Several pods cannot share an SQLite file: k8s ships with the postgresql bake only."""
    assert not (_bake(cookies, context) / "deploy" / "k8s").exists()
    assert (_bake(cookies, context, database="postgresql") / "deploy" / "k8s" /
            "kustomization.yaml").exists()


# What names the sample business: its API, its Python package, its front-end folder.
DEMO_MARKERS = ("/api/items", "features.items", "features/items", "事项")


def test_without_the_demo_nothing_under_src_names_it(cookies, context):
    """include_demo=false: the core alone, no trace of 事项 (the app's own name aside)."""
    result = cookies.bake(extra_context={**context, "include_demo": False,
                                         "app_name": "协同办公"})
    assert result.exit_code == 0, result.exception
    project = result.project_path
    assert not (project / "src" / "xietong_shixiang" / "features" / "items").exists()
    assert not (project / "frontend" / "src" / "features" / "items").exists()
    found = [f"{path.relative_to(project)}: {marker}"
             for folder in ("src", "frontend/src")
             for path in (project / folder).rglob("*") if path.is_file()
             for marker in DEMO_MARKERS if marker in path.read_text(encoding="utf-8")]
    assert found == []
    registry = (project / "src/xietong_shixiang/features/__init__.py").read_text(encoding="utf-8")
    assert "INSTALLED_FEATURES: tuple[str, ...] = (\n)" in registry


def test_the_default_bake_installs_the_demo_feature(cookies, context):
    project = cookies.bake(extra_context=context).project_path
    registry = (project / "src/xietong_shixiang/features/__init__.py").read_text(encoding="utf-8")
    assert '    "items",\n' in registry
    assert (project / "src/xietong_shixiang/features/items/migrations").is_dir()


# Test and audit tools: the dev extra brings them, `pip install .` (the image) never.
DEV_TOOLS = ("pytest", "ruff", "bandit", "pip-audit", "schemathesis", "hypothesis", "sslyze")
TOOLKIT_IMPORT = re.compile(r"(?m)^\s*(?:from|import)\s+(?:devtools|tests)\b")


def _names(requirements: list[str]) -> set[str]:
    return {re.split(r"[\[=<>~!;\s]", requirement, maxsplit=1)[0].lower()
            for requirement in requirements}


@pytest.mark.parametrize("context_override", [
    {}, {"database": "postgresql", "cache": "redis", "oidc": True}], ids=_fixture_id)
def test_the_runtime_package_ships_alone(cookies, context, context_override):
    """src/<package>/ holds what runs in production; the toolkit and the tools stay out."""
    project = _bake(cookies, context, **context_override)
    with open(project / "pyproject.toml", "rb") as file:
        pyproject = tomllib.load(file)
    assert _names(pyproject["project"]["dependencies"]).isdisjoint(DEV_TOOLS)
    extras = pyproject["project"]["optional-dependencies"]
    # Tools come with the targets that use them: test (make test) and check (make check);
    # dev is both, by reference to the package itself.
    assert set(DEV_TOOLS) <= _names(extras["test"]) | _names(extras["check"])
    assert extras["dev"] == [f"{pyproject['project']['name']}[test,check]"]
    # A feature's own tests/ inside the package is left out of the wheel.
    assert pyproject["tool"]["setuptools"]["packages"]["find"]["exclude"] == [
        "*.tests", "*.tests.*"]
    package = project / "src" / "xietong_shixiang"
    assert not (package / "compliance").exists()
    assert (project / "devtools" / "compliance" / "__init__.py").is_file()
    assert (project / "devtools" / "bench" / "run.py").is_file()
    assert not (project / "bench").exists()
    assert not (project / "tests" / "loopback_stack.py").exists()
    # A feature's own tests/ (left out of the wheel above) may use the test helpers.
    found = [path.relative_to(project).as_posix() for path in package.rglob("*.py")
             if "tests" not in path.relative_to(package).parts
             and TOOLKIT_IMPORT.search(path.read_text(encoding="utf-8"))]
    assert found == []
