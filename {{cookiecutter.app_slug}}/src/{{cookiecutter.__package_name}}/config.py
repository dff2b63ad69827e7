"""Settings from the environment, validated once when the app starts (12-factor).

`Config.from_env()` reads every setting, collects every problem and raises one
`ConfigError` naming each bad variable, so an operator fixes them all in one go.
Production (the default) refuses default secrets and plain-http URLs; development
fills in the local platform simulator and only warns.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import re
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

PRODUCTION = "production"
DEVELOPMENT = "development"

# The sentinel written into .env.example; post_gen_project replaces it in .env.
SECRET_SENTINEL = "!!!SET FLASK_SECRET_KEY!!!"  # noqa: S105 - a marker, not a secret
KNOWN_WEAK_SECRETS = frozenset({"", "dev", "secret", "changeme", "changethis", SECRET_SENTINEL})
MIN_SECRET_LENGTH = 32

# Values baked in at generation time (cookiecutter answers).
BAKED_PORTAL_ORIGINS = "{{ cookiecutter.__portal_origins }}"
DATABASE_KIND = "{{ cookiecutter.database }}"
# Where the state every worker shares lives: <CACHE_KIND>_store.py binds it (create_app).
CACHE_KIND = "{{ cookiecutter.cache }}"
# DB31DSJ/Z 003 附录 D 页面框架: adaptive, or a fixed width of 760–950 px.
PAGE_WIDTH_MODE = "{{ cookiecutter.page_width_mode }}"
FIXED_PAGE_WIDTH = {{ cookiecutter.fixed_page_width | int }}
# src/<package>/ → the project root, where frontend/ lives in a source checkout.
PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent

# Development defaults point at devtools/platform_sim (`make dev` starts it on :5001).
SIMULATOR = "http://127.0.0.1:5001"
DEVELOPMENT_DEFAULTS = {
    "APP_BASE_URL": "http://127.0.0.1:5000",
    "YWXT_API_BASE": SIMULATOR,
    "YWXT_OAUTH_AUTHORIZE_URL": f"{SIMULATOR}/connect/oauth2/authorize",
    "YWXT_WEB_LOGIN_URL": f"{SIMULATOR}/wwlogin/sso/login",
    "YWXT_JSSDK_URL": f"{SIMULATOR}/jssdk/jweixin.js",
    "YWXT_CORP_ID": "ww5f3c2b1a0d9e8f7a",
    "YWXT_AGENT_ID": "1000002",
    "YWXT_SECRET": "sim-secret-5f3c2b1a0d9e8f7a",
}

DATABASE_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# Who may set X-Forwarded-For/-Proto (security/proxies.py): loopback and private networks,
# i.e. nginx on the same host (deploy/nginx.conf), a container network
# (deploy/compose.yaml) or a cluster. Narrow it to the proxy's own address where clients
# share those networks with the app.
DEFAULT_TRUSTED_PROXIES = ("127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12",
                           "192.168.0.0/16", "fc00::/7")


def parse_networks(values: Iterable[str]) -> tuple[Network, ...]:
    """Addresses or networks ("127.0.0.1", "10.0.0.0/8"); ValueError names a bad one."""
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values)
{%- if cookiecutter.oidc %}
OIDC_DEFAULT_SCOPE = "openid profile"
{%- endif %}


class ConfigError(RuntimeError):
    """One or more settings are missing or malformed; the app must not start."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        lines = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"配置有误，应用未启动（共 {len(problems)} 项）：\n{lines}")


@dataclasses.dataclass(frozen=True)
class Config:
    """Every setting the app reads. Build it with `Config.from_env()`."""

    app_env: str
    secret_key: str
    database_url: str
    app_base_url: str
    ywxt_api_base: str
    ywxt_oauth_authorize_url: str
    ywxt_web_login_url: str
    ywxt_jssdk_url: str
    ywxt_corp_id: str
    ywxt_agent_id: str
    ywxt_pc_agent_id: str
    ywxt_secret: str = dataclasses.field(repr=False)
    ywxt_portal_origins: tuple[str, ...] = ()
    cache: str = CACHE_KIND
    # Read with cache = redis only; cli.py shows it and the rate limiter counts there.
    redis_url: str | None = dataclasses.field(default=None, repr=False)
    trusted_proxy_hops: int = 1
    # X-Forwarded-* are read only from these peers (security/proxies.py).
    trusted_proxy_addresses: tuple[Network, ...] = parse_networks(DEFAULT_TRUSTED_PROXIES)
    app_version: str = "0.1.0"
    health_cache_seconds: float = 5.0
    # How often (at most) each process asks the platform whether it is there (health.py).
    health_platform_probe_seconds: float = 10.0
    # Logins in progress (security/rate_limits.py): per client address, and in all.
    login_pending_per_address: int = 2000
    login_pending_max: int = 20000
    user_writes_per_minute: int = 120
    session_idle_minutes: int = 30
    session_max_hours: int = 8
    outbox_warn_seconds: int = 600
    frontend_dist: Path = PROJECT_ROOT / "frontend" / "dist"
    page_width_mode: str = PAGE_WIDTH_MODE
    fixed_page_width: int = FIXED_PAGE_WIDTH
{%- if cookiecutter.oidc %}
    # A standard OpenID Connect provider for plain browsers (auth/oidc.py); "" = not used.
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = dataclasses.field(default="", repr=False)
    oidc_scope: str = OIDC_DEFAULT_SCOPE
    oidc_userid_claim: str = "sub"
{%- endif %}
    testing: bool = False

    @property
    def is_production(self) -> bool:
        return self.app_env == PRODUCTION

    @classmethod
    def from_env(cls, environ: Mapping[str, str], *, instance_path: str | Path) -> Config:
        """Read and validate the settings; raise `ConfigError` listing every problem."""
        reader = _EnvReader(environ)
        app_env = reader.choice("APP_ENV", (PRODUCTION, DEVELOPMENT), default=PRODUCTION)
        production = app_env == PRODUCTION

        def setting(name: str) -> str:
            default = None if production else DEVELOPMENT_DEFAULTS.get(name)
            return reader.required(name, default=default)

        def url(name: str) -> str:
            # DB31DSJ/Z 003 §8.3 b: in production every address is HTTPS.
            return reader.url(setting(name), name, require_https=production)

        agent_id = setting("YWXT_AGENT_ID")
        config = cls(
            app_env=app_env,
            secret_key=reader.secret_key(production),
            database_url=reader.database_url(instance_path),
            app_base_url=url("APP_BASE_URL").rstrip("/"),
            ywxt_api_base=url("YWXT_API_BASE").rstrip("/"),
            ywxt_oauth_authorize_url=url("YWXT_OAUTH_AUTHORIZE_URL"),
            ywxt_web_login_url=url("YWXT_WEB_LOGIN_URL"),
            ywxt_jssdk_url=url("YWXT_JSSDK_URL"),
            ywxt_corp_id=setting("YWXT_CORP_ID"),
            ywxt_agent_id=reader.digits(agent_id, "YWXT_AGENT_ID"),
            # The PC client may use its own agent (Appendix C pcAgentId); default: the same.
            ywxt_pc_agent_id=reader.digits(reader.get("YWXT_PC_AGENT_ID"), "YWXT_PC_AGENT_ID")
            or agent_id,
            ywxt_secret=setting("YWXT_SECRET"),
            ywxt_portal_origins=reader.origins(
                "YWXT_PORTAL_ORIGINS", default=BAKED_PORTAL_ORIGINS, require_https=production
            ),
            # An embedded bake ships no Redis client: it ignores REDIS_URL.
            redis_url=reader.redis_url() if CACHE_KIND == "redis" else None,
            trusted_proxy_hops=reader.integer("TRUSTED_PROXY_HOPS", default=1, minimum=0),
            trusted_proxy_addresses=reader.networks("TRUSTED_PROXY_ADDRESSES",
                                                    default=DEFAULT_TRUSTED_PROXIES),
            app_version=environ.get("APP_VERSION", "").strip() or _package_version(),
            health_cache_seconds=reader.number("HEALTH_CACHE_SECONDS", default=5.0, minimum=0),
            health_platform_probe_seconds=reader.number("HEALTH_PLATFORM_PROBE_SECONDS",
                                                        default=10.0, minimum=1),
            login_pending_per_address=reader.integer("LOGIN_PENDING_PER_ADDRESS",
                                                     default=2000, minimum=1),
            login_pending_max=reader.integer("LOGIN_PENDING_MAX", default=20000, minimum=1),
            user_writes_per_minute=reader.integer("USER_WRITES_PER_MINUTE", default=120,
                                                  minimum=1),
            session_idle_minutes=reader.integer("SESSION_IDLE_MINUTES", default=30, minimum=1),
            session_max_hours=reader.integer("SESSION_MAX_HOURS", default=8, minimum=1),
            outbox_warn_seconds=reader.integer("OUTBOX_WARN_SECONDS", default=600, minimum=1),
            frontend_dist=Path(reader.get("FRONTEND_DIST") or PROJECT_ROOT / "frontend" / "dist"),
            **reader.option_settings(require_https=production),
        )
        if reader.problems:
            raise ConfigError(reader.problems)
        return config


class _EnvReader:
    """Reads variables and records a Chinese message for each problem instead of raising."""

    def __init__(self, environ: Mapping[str, str]):
        self.environ = environ
        self.problems: list[str] = []

    def get(self, name: str) -> str:
        return self.environ.get(name, "").strip()

    def required(self, name: str, *, default: str | None = None) -> str:
        value = self.get(name)
        if value:
            return value
        if default is not None:
            return default
        self.problems.append(f"{name} 未设置（生产环境必须提供，见 .env.example）")
        return ""

    def choice(self, name: str, options: tuple[str, ...], *, default: str) -> str:
        value = self.get(name) or default
        if value not in options:
            self.problems.append(f"{name}={value!r} 无效，只能是 {' 或 '.join(options)}")
            return default
        return value

    def url(self, value: str, name: str, *, require_https: bool) -> str:
        if not value:
            return value  # already reported as missing
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            self.problems.append(f"{name}={value!r} 不是有效的网址")
        elif require_https and parts.scheme != "https":
            self.problems.append(f"{name} 必须使用 HTTPS（DB31DSJ/Z 003 §8.3 b），当前为 {value!r}")
        return value

    def origins(self, name: str, *, default: str, require_https: bool) -> tuple[str, ...]:
        raw = self.environ.get(name, default)
        origins = tuple(item.strip().rstrip("/") for item in raw.split(",") if item.strip())
        for origin in origins:
            parts = urlsplit(origin)
            if not parts.hostname or parts.path or parts.query or parts.fragment:
                self.problems.append(f"{name} 中的 {origin!r} 不是来源地址（形如 https://host）")
            elif require_https and parts.scheme != "https":
                self.problems.append(f"{name} 中的 {origin!r} 必须使用 HTTPS（§8.3 b）")
        return origins

    def networks(self, name: str, *, default: tuple[str, ...]) -> tuple[Network, ...]:
        raw = self.get(name)
        values = [item for item in raw.split(",") if item.strip()] if raw else list(default)
        try:
            return parse_networks(values)
        except ValueError:
            self.problems.append(f"{name}={raw!r} 应为英文逗号分隔的 IP 地址或网段"
                                 "（如 127.0.0.1,10.0.0.0/8）")
            return parse_networks(default)

    def digits(self, value: str, name: str) -> str:
        if value and not value.isdigit():
            self.problems.append(f"{name}={value!r} 应为纯数字的应用 AgentId")
        return value

    def integer(self, name: str, *, default: int, minimum: int) -> int:
        raw = self.get(name)
        if not raw:
            return default
        if not re.fullmatch(r"\d+", raw) or int(raw) < minimum:
            self.problems.append(f"{name}={raw!r} 应为不小于 {minimum} 的整数")
            return default
        return int(raw)

    def number(self, name: str, *, default: float, minimum: float) -> float:
        raw = self.get(name)
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            self.problems.append(f"{name}={raw!r} 应为不小于 {minimum} 的数字（秒）")
            return default
        return value

    def secret_key(self, production: bool) -> str:
        value = self.get("FLASK_SECRET_KEY")
        weak = value in KNOWN_WEAK_SECRETS or len(value) < MIN_SECRET_LENGTH
        if not weak:
            return value
        if production:
            reason = "未设置" if not value else "是默认值或过短"
            self.problems.append(
                f"FLASK_SECRET_KEY {reason}：生产环境需要至少 {MIN_SECRET_LENGTH} 个字符的"
                '随机密钥，可用 python -c "import secrets; print(secrets.token_urlsafe(48))" 生成'
            )
            return value
        log.warning("FLASK_SECRET_KEY is weak or unset; using a random key for this process only")
        return secrets.token_urlsafe(48)

    def database_url(self, instance_path: str | Path) -> str:
        value = self.get("DATABASE_URL")
        if not value:
            if DATABASE_KIND == "sqlite":
                # The embedded default: a file in Flask's instance folder.
                return f"sqlite:///{Path(instance_path) / 'app.db'}"
            self.problems.append("DATABASE_URL 未设置（例如 postgresql+psycopg://user:pass@host/db）")
            return ""
        scheme = value.split(":", 1)[0]
        if scheme not in DATABASE_SCHEMES:
            self.problems.append(
                f"DATABASE_URL 的类型 {scheme!r} 不受支持，可用：{', '.join(DATABASE_SCHEMES)}"
            )
        if scheme == "postgresql":
            # Flask-SQLAlchemy would pick psycopg2; the app ships psycopg 3.
            value = "postgresql+psycopg" + value[len("postgresql") :]
        return value
{%- if cookiecutter.oidc %}

    def option_settings(self, *, require_https: bool) -> dict[str, Any]:
        """OIDC_* settings (the oidc option); optional until OIDC_ISSUER is set, then checked
        together."""
        issuer = self.get("OIDC_ISSUER")
        settings = {
            "oidc_issuer": issuer,
            "oidc_client_id": self.get("OIDC_CLIENT_ID"),
            "oidc_client_secret": self.get("OIDC_CLIENT_SECRET"),
            "oidc_scope": " ".join(self.get("OIDC_SCOPE").split()) or OIDC_DEFAULT_SCOPE,
            "oidc_userid_claim": self.get("OIDC_USERID_CLAIM") or "sub",
        }
        if not issuer:
            return settings
        # DB31DSJ/Z 003 §8.3 b; the discovery document is at
        # <OIDC_ISSUER>/.well-known/openid-configuration and must name this same issuer.
        self.url(issuer, "OIDC_ISSUER", require_https=require_https)
        parts = urlsplit(issuer)
        if parts.query or parts.fragment:
            self.problems.append(f"OIDC_ISSUER={issuer!r} 不应包含查询参数或片段")
        for name in ("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"):
            if not self.get(name):
                self.problems.append(f"{name} 未设置（设置了 OIDC_ISSUER 时必须提供）")
        if "openid" not in settings["oidc_scope"].split():
            self.problems.append(f"OIDC_SCOPE={settings['oidc_scope']!r} 必须包含 openid")
        return settings
{%- else %}

    def option_settings(self, *, require_https: bool) -> dict[str, Any]:
        """The settings of options this app was generated without: none."""
        return {}
{%- endif %}

    def redis_url(self) -> str | None:
        value = self.get("REDIS_URL")
        if not value:
            self.problems.append("REDIS_URL 未设置（本应用按 Redis 缓存生成，例如 redis://127.0.0.1:6379/0）")
            return None
        if urlsplit(value).scheme not in ("redis", "rediss", "unix"):
            self.problems.append("REDIS_URL 应以 redis://、rediss:// 或 unix:// 开头")
        return value


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("{{ cookiecutter.app_slug }}")
    except PackageNotFoundError:
        return "0.0.0+unknown"
