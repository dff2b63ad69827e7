"""`flask --app wsgi platform check`: the pre-flight before the first real login.

Run against the simulator, whose gettoken refuses a wrong CorpID or Secret with the
platform's errcodes; each failure is explained in Chinese and the command exits non-zero.
"""

from __future__ import annotations

import pytest

from {{ cookiecutter.__package_name }}.cli import preflight
from {{ cookiecutter.__package_name }}.platform import PlatformUnavailable

from .fixtures import tables_created


def check(app):
    return app.test_cli_runner().invoke(args=["platform", "check"])


def test_a_correct_configuration_passes_every_item(platform_app):
    result = check(platform_app)
    assert result.exit_code == 0, result.output
    assert "[通过] CorpID 与 Secret（gettoken）" in result.output
    assert "[通过] 企业 jsapi_ticket" in result.output
    assert "[通过] 应用 jsapi_ticket" in result.output
    assert "[需人工确认] AgentID" in result.output
    assert "/auth/callback" in result.output
    assert "接入配置检查通过" in result.output


@pytest.mark.parametrize(("override", "explanation"), [
    ({"ywxt_secret": "a-secret-from-another-app"}, "YWXT_SECRET 不对"),
    ({"ywxt_corp_id": "ww0000000000000000"}, "平台不认识这个 YWXT_CORP_ID"),
])
def test_a_wrong_credential_is_explained(make_config, make_app, sim, override, explanation):
    config = make_config(ywxt_api_base=sim.base_url, **{
        "ywxt_secret": "sim-secret-5f3c2b1a0d9e8f7a", **override})
    with tables_created(make_app(config)) as app:
        result = check(app)
    assert result.exit_code == 1
    assert "[不通过] CorpID 与 Secret（gettoken）" in result.output
    assert explanation in result.output
    assert "a-secret-from-another-app" not in result.output  # never echo a secret


def test_an_unreachable_platform_is_named(make_config, make_app):
    config = make_config(ywxt_api_base="http://127.0.0.1:9")  # discard port: nothing listens
    with tables_created(make_app(config)) as app:
        result = check(app)
    assert result.exit_code == 1
    assert "连不上 YWXT_API_BASE" in result.output


class UnreachablePlatform:
    """A client stub: the check must not reach out to a real platform from a test."""

    def ensure_access_token(self):
        raise PlatformUnavailable("no network in tests")


def test_a_loopback_app_address_with_a_remote_platform_fails(make_config):
    config = make_config(app_base_url="https://127.0.0.1:5000",
                         ywxt_api_base="https://api.ywxt.example.gov.cn")
    [address, token] = preflight(config, UnreachablePlatform())
    assert (address.name, address.ok) == ("应用地址", False)
    assert "本机地址" in address.detail
    assert token.ok is False and "连不上 YWXT_API_BASE" in token.detail
