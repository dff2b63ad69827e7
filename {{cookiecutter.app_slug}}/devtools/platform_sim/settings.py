"""Settings of the local 一网协同 simulator, read from SIM_* environment variables.

The defaults match the app's development .env, so `make dev` needs no configuration.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass


class SimSettingsError(ValueError):
    """One or more SIM_* variables are malformed; the message lists every problem."""


@dataclass(frozen=True)
class SimSettings:
    corp_id: str = "ww5f3c2b1a0d9e8f7a"
    agent_id: str = "1000002"
    pc_agent_id: str = "1000003"
    # The app's secret; gettoken with any other corpsecret answers 40001.
    secret: str = "sim-secret-5f3c2b1a0d9e8f7a"
    # redirect_uri, todo links and JS-SDK page URLs must be on one of these hosts (port ignored).
    trusted_hosts: tuple[str, ...] = ("127.0.0.1", "localhost")
    # Per /cgi-bin path, on the simulator clock; beyond it → 45009.
    rate_limit_per_min: int = 600
    # WeCom's documented jsapi_ticket fetch limits (per corp / per app, per hour).
    corp_ticket_limit_per_hour: int = 400
    agent_ticket_limit_per_hour: int = 100
    # How long a "timeout" fault holds the answer; longer than any sane client timeout.
    fault_timeout_seconds: float = 30.0
    # Answer the WeCom-compatible paths in the platform envelope too (switchable at run time).
    envelope_all: bool = False
    # Recorded calls kept in memory (oldest dropped first).
    max_recorded_calls: int = 5000
{%- if cookiecutter.oidc %}
    # OpenID Connect mode (oidc.py): the one registered client, authenticated with
    # client_secret_basic at the token endpoint.
    oidc_client_id: str = "ywxt-sim-oidc-client"
    oidc_client_secret: str = "sim-oidc-secret-9d2e4b7c1a"
{%- endif %}

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> SimSettings:
        """Build settings from SIM_* variables; unset ones keep their defaults."""
        problems: list[str] = []
        values: dict[str, object] = {}
        text_fields = {
            "SIM_CORP_ID": "corp_id",
            "SIM_AGENT_ID": "agent_id",
            "SIM_PC_AGENT_ID": "pc_agent_id",
            "SIM_SECRET": "secret",
{%- if cookiecutter.oidc %}
            "SIM_OIDC_CLIENT_ID": "oidc_client_id",
            "SIM_OIDC_CLIENT_SECRET": "oidc_client_secret",
{%- endif %}
        }
        for env_name, field in text_fields.items():
            if environ.get(env_name):
                values[field] = environ[env_name].strip()
        if environ.get("SIM_TRUSTED_HOSTS"):
            hosts = tuple(
                h.strip().lower() for h in environ["SIM_TRUSTED_HOSTS"].split(",") if h.strip()
            )
            if hosts:
                values["trusted_hosts"] = hosts
            else:
                problems.append("SIM_TRUSTED_HOSTS 不能为空")
        number_fields = {
            "SIM_RATE_LIMIT_PER_MIN": ("rate_limit_per_min", int),
            "SIM_CORP_TICKET_LIMIT_PER_HOUR": ("corp_ticket_limit_per_hour", int),
            "SIM_AGENT_TICKET_LIMIT_PER_HOUR": ("agent_ticket_limit_per_hour", int),
            "SIM_FAULT_TIMEOUT_SECONDS": ("fault_timeout_seconds", float),
            "SIM_MAX_RECORDED_CALLS": ("max_recorded_calls", int),
        }
        for env_name, (field, kind) in number_fields.items():
            raw = environ.get(env_name)
            if not raw:
                continue
            try:
                number = kind(raw)
            except ValueError:
                problems.append(f"{env_name} 应为数字，收到 {raw!r}")
                continue
            if number <= 0:
                problems.append(f"{env_name} 应大于 0，收到 {raw!r}")
                continue
            values[field] = number
        if environ.get("SIM_ENVELOPE_ALL"):
            values["envelope_all"] = environ["SIM_ENVELOPE_ALL"].strip().lower() in {
                "1",
                "true",
                "yes",
            }
        if problems:
            raise SimSettingsError("；".join(problems))
        return dataclasses.replace(cls(), **values)

    @property
    def agent_ids(self) -> tuple[str, str]:
        """Both of the app's agent ids: mobile first, then PC."""
        return (self.agent_id, self.pc_agent_id)
