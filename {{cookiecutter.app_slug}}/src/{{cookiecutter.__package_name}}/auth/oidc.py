"""Login through a standard OpenID Connect provider (DB31DSJ/Z 003 §6.2.4 b, §6.3.2 c).

For platforms and portals that speak OpenID Connect. When OIDC_ISSUER is set, a plain
browser (网页端) logs in there instead of at the platform's web login; inside the platform
client the login of views.py stays. Authlib does the protocol: discovery, state and nonce,
PKCE (S256), the authorization URL, the code exchange and the ID-token checks (signature
against the provider's JWKS, iss, aud, exp, nonce). Authlib would keep state, nonce and
verifier in Flask's cookie session; here they stay on the server, in the PendingLogin row
views.py uses: bound to this browser, single use, five minutes.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.flask_client import FlaskOAuth2App, OAuth
from flask import Flask, Response, abort, current_app, make_response, redirect, request
from joserfc.errors import JoseError

from ..config import Config
from ..errors import FriendlyError
from ..openapi import PLATFORM_ERRORS, REDIRECT, Operation, documented, query
from .models import PendingLogin
from .sessions import clear_cookie, start_session
from .views import (
    BAD_STATE,
    BROWSER_LOGIN,
    LOGIN_COOKIE,
    STATE,
    TAG,
    bp,
    save_pending_login,
    take_pending_login,
)

log = logging.getLogger(__name__)

EXTENSION = BROWSER_LOGIN  # views.login sends plain browsers to it
SCOPE_OIDC = "openid"  # PendingLogin.scope of an OpenID Connect login
CALLBACK_PATH = "/auth/oidc/callback"
HTTP_TIMEOUT = (3.05, 10)  # connect, read: a slow provider must not hold a worker
ID_TOKEN_LEEWAY_SECONDS = 60  # clock skew allowed on exp and iat
MAX_USERID_LENGTH = 64  # LoginSession.userid
MAX_NAME_LENGTH = 64  # LoginSession.display_name

BAD_CODE = FriendlyError(400, "登录已失效", "登录码已过期或已使用，请重新登录。")
BAD_ID_TOKEN = FriendlyError(
    401, "登录未通过校验", "统一身份认证返回的登录凭据未通过校验，请重新登录。")
LOGIN_NOT_COMPLETED = FriendlyError(400, "未完成登录", "登录未完成或已取消，请重新登录。")
PROVIDER_UNAVAILABLE = FriendlyError(
    503, "统一身份认证暂时无法访问", "统一身份认证服务暂时无法连接，请稍后重试。")
PROVIDER_REFUSED = FriendlyError(
    503, "统一身份认证暂时无法完成登录", "统一身份认证服务暂时无法完成登录，请稍后重试。")


@dataclasses.dataclass(frozen=True)
class OidcIdentity:
    """Who logged in: all the session keeps (§8.2 b 按应获得)."""

    userid: str
    name: str


def discovery_url(issuer: str) -> str:
    """OpenID Connect Discovery §4: the configuration document under the issuer."""
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


class OidcLogin:
    """The app's side of the provider: begin a login, verify what comes back."""

    def __init__(self, client: FlaskOAuth2App, settings: Config):
        self.client = client
        self.settings = settings

    @property
    def redirect_uri(self) -> str:
        return self.settings.app_base_url + CALLBACK_PATH

    def metadata(self) -> dict[str, Any]:
        """The provider's discovery document (fetched once, then kept by Authlib)."""
        try:
            metadata: dict[str, Any] = self.client.load_server_metadata()
        except (requests.RequestException, ValueError) as error:
            log.warning("OIDC discovery failed: %s", type(error).__name__)
            raise PROVIDER_UNAVAILABLE from None
        # Discovery §4.3: the document must name exactly the issuer we were told to trust.
        if metadata.get("issuer") != self.settings.oidc_issuer:
            log.error("OIDC discovery names issuer %r, OIDC_ISSUER is %r",
                      metadata.get("issuer"), self.settings.oidc_issuer)
            raise PROVIDER_REFUSED
        return metadata

    def begin_login(self, next_path: str) -> tuple[str, str]:
        """Store a new pending login; return (the provider's authorize URL, binding token)."""
        self.metadata()
        # Authlib makes state, nonce (scope has openid) and code_verifier, and the S256
        # challenge in the URL; only the challenge leaves this server.
        authorization = self.client.create_authorization_url(self.redirect_uri)
        browser = save_pending_login(authorization["state"], next_path, scope=SCOPE_OIDC,
                                     code_verifier=authorization["code_verifier"],
                                     nonce=authorization["nonce"])
        return authorization["url"], browser

    def verify(self, code: str, pending: PendingLogin) -> OidcIdentity:
        """Exchange the code (with the PKCE verifier) and check the ID token."""
        self.metadata()
        try:
            token = self.client.fetch_access_token(redirect_uri=self.redirect_uri, code=code,
                                                   code_verifier=pending.code_verifier)
        except OAuthError as error:
            log.warning("OIDC token request refused: %s", error.error)
            # invalid_grant: the code is used or expired, or the verifier does not match.
            raise (BAD_CODE if error.error == "invalid_grant" else PROVIDER_REFUSED) from None
        except (requests.RequestException, ValueError) as error:
            log.warning("OIDC token request failed: %s", type(error).__name__)
            raise PROVIDER_UNAVAILABLE from None
        try:
            claims = self.client.parse_id_token(token, nonce=pending.nonce,
                                                claims_options=self.claims_options(),
                                                leeway=ID_TOKEN_LEEWAY_SECONDS)
        except JoseError as error:
            log.warning("OIDC ID token refused: %s", error.error)
            raise BAD_ID_TOKEN from None
        except (requests.RequestException, ValueError) as error:  # fetching the JWKS
            log.warning("OIDC JWKS unavailable: %s", type(error).__name__)
            raise PROVIDER_UNAVAILABLE from None
        if claims is None:
            log.warning("OIDC token response has no id_token")
            raise BAD_ID_TOKEN
        return self.identity(claims)

    def claims_options(self) -> dict[str, Any]:
        """iss and aud checked explicitly: Authlib alone accepts another aud when azp is ours."""
        return {
            "iss": {"essential": True, "value": self.settings.oidc_issuer},
            "aud": {"essential": True, "value": self.settings.oidc_client_id},
            "sub": {"essential": True},
        }

    def identity(self, claims: dict[str, Any]) -> OidcIdentity:
        claim = self.settings.oidc_userid_claim
        userid = claims.get(claim)
        if not isinstance(userid, str) or not userid.strip() or len(userid) > MAX_USERID_LENGTH:
            log.warning("OIDC ID token has no usable %s claim", claim)
            raise BAD_ID_TOKEN
        name = claims.get("name")
        if not isinstance(name, str) or not name.strip():
            name = userid
        return OidcIdentity(userid, name.strip()[:MAX_NAME_LENGTH])


@bp.get("/oidc/callback")
@documented(Operation(
    TAG, "OpenID Connect 登录后的回调", {302: REDIRECT | {"description": "已登录，回到 next"}},
    errors=(400, 403, 404, *PLATFORM_ERRORS), login=False, page=True,
    business_rule="state 须是本应用在本浏览器发出、5 分钟内未用过的",
    description="仅在设置了 OIDC_ISSUER 时可用（否则 404）。",
    parameters=(STATE, query("code", "授权码", {"type": "string"}),
                query("error", "身份提供方给出的错误（RFC 6749 §4.1.2.1）", {"type": "string"}))))
def oidc_callback() -> Response:
    provider: OidcLogin | None = current_app.extensions.get(EXTENSION)
    if provider is None:
        abort(404)  # OIDC_ISSUER is not set
    pending = take_pending_login(request.args.get("state"))
    if pending.scope != SCOPE_OIDC or not pending.code_verifier or not pending.nonce:
        raise BAD_STATE  # a state of the platform's own login, carried here
    if request.args.get("error") or not request.args.get("code"):
        # RFC 6749 §4.1.2.1: access_denied when the person cancels; any other error too.
        log.info("OIDC login not completed: %s", request.args.get("error", "no code")[:64])
        raise LOGIN_NOT_COMPLETED
    identity = provider.verify(request.args["code"], pending)
    response = make_response(redirect(pending.next_path))
    start_session(response, identity.userid, identity.name)
    clear_cookie(response, LOGIN_COOKIE)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Connect to the provider when OIDC_ISSUER is set; otherwise the platform login only."""
    settings: Config = app.config["SETTINGS"]
    if not settings.oidc_issuer:
        return
    client = OAuth(app).register(
        "oidc",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=discovery_url(settings.oidc_issuer),
        client_kwargs={
            "scope": settings.oidc_scope,
            "code_challenge_method": "S256",
            "default_timeout": HTTP_TIMEOUT,
        },
    )
    app.extensions[EXTENSION] = OidcLogin(client, settings)
