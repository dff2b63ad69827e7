"""OpenID Connect provider mode: discovery, authorize (the same user picker), token, JWKS.

It stands in for a portal's unified identity service that speaks standard OpenID Connect
(authorization code flow), for apps baked with the `oidc` option. It is as strict as a good
provider: one registered client authenticated with client_secret_basic, a redirect_uri on a
trusted host that must match again at the token endpoint, PKCE with S256 only, a nonce on
every request, and single-use codes that live 5 minutes on the simulator clock. ID tokens are
signed with an ES256 key made when the simulator starts and published at /oidc/jwks.

Tests ask for one bad ID token at a time through `POST /_sim/oidc/id-token-fault`
(see `ID_TOKEN_FAULTS`), to prove that the app refuses it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
)

from .gateway import get_state
from .oauth import redirect_uri_with, user_groups
from .state import CODE_TTL, SimState

bp = Blueprint("oidc", __name__)

ID_TOKEN_TTL = 600
ACCESS_TOKEN_TTL = 3600
ALGORITHM = "ES256"
SCOPES = ("openid", "profile")
# RFC 7636 §4.1: 43–128 unreserved characters; S256 challenges are 43 base64url characters.
CODE_VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
CODE_CHALLENGE = re.compile(r"^[A-Za-z0-9\-_]{43}$")
ID_TOKEN_FAULTS = {
    "wrong_nonce": "nonce 与登录请求不一致",
    "wrong_audience": "aud 是另一个客户端（azp 仍是本客户端）",
    "wrong_issuer": "iss 不是本身份认证服务",
    "expired": "一小时前已过期",
    "bad_signature": "用不在 JWKS 中的密钥签名，kid 冒用已发布的密钥",
    "alg_none": "alg 为 none、没有签名",
}
# The parameters an authorization request carries through the picker page.
AUTHORIZE_FIELDS = ("client_id", "redirect_uri", "response_type", "scope", "state", "nonce",
                    "code_challenge", "code_challenge_method")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def s256(verifier: str) -> str:
    """The PKCE S256 code challenge of a verifier (RFC 7636 §4.2)."""
    return b64url(hashlib.sha256(verifier.encode("ascii")).digest())


class SigningKey:
    """A P-256 key for ES256, with its public JWK and its RFC 7638 thumbprint as kid."""

    def __init__(self) -> None:
        self._private = ec.generate_private_key(ec.SECP256R1())
        numbers = self._private.public_key().public_numbers()
        self.public_jwk = {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url(numbers.x.to_bytes(32, "big")),
            "y": b64url(numbers.y.to_bytes(32, "big")),
        }
        canonical = json.dumps(self.public_jwk, sort_keys=True, separators=(",", ":"))
        self.kid = b64url(hashlib.sha256(canonical.encode()).digest())

    def jwk(self) -> dict:
        return {**self.public_jwk, "kid": self.kid, "use": "sig", "alg": ALGORITHM}

    def sign(self, signing_input: bytes) -> bytes:
        # JWS wants the raw r‖s pair (RFC 7518 §3.4), not cryptography's DER encoding.
        r, s = decode_dss_signature(self._private.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")


@dataclass
class OidcCode:
    code: str
    client_id: str
    redirect_uri: str
    userid: str
    nonce: str
    code_challenge: str
    scope: str
    expires_at: float
    used: bool = False


class OidcProvider:
    """The provider's own state: its signing key, issued codes and pending ID-token faults."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key = SigningKey()
        self.codes: dict[str, OidcCode] = {}
        self.id_token_faults: list[str] = []

    def issue_code(self, state: SimState, request_fields: dict[str, str], userid: str) -> str:
        with self.lock:
            code = secrets.token_urlsafe(24)
            self.codes[code] = OidcCode(
                code, request_fields["client_id"], request_fields["redirect_uri"], userid,
                request_fields["nonce"], request_fields["code_challenge"],
                request_fields["scope"], state.now() + CODE_TTL,
            )
            return code

    def take_code(self, state: SimState, code: str) -> OidcCode | None:
        """The code's record, used up by this call; None if unknown, used or expired."""
        with self.lock:
            record = self.codes.get(code)
            if record is None or record.used:
                return None
            record.used = True  # single use, even when a later check refuses the request
            return record if state.now() < record.expires_at else None

    def take_id_token_fault(self) -> str | None:
        with self.lock:
            return self.id_token_faults.pop(0) if self.id_token_faults else None


def get_provider() -> OidcProvider:
    return current_app.extensions["platform_sim_oidc"]


@bp.record_once
def _create_provider(setup: Any) -> None:
    app: Flask = setup.app
    app.extensions["platform_sim_oidc"] = OidcProvider()


def issuer() -> str:
    """The simulator's own origin, as the app reaches it (OIDC_ISSUER)."""
    return request.host_url.rstrip("/")


# -- discovery and keys ------------------------------------------------------------------


@bp.get("/.well-known/openid-configuration")
def discovery() -> Response:
    base = issuer()
    return jsonify({
        "issuer": base,
        "authorization_endpoint": f"{base}/oidc/authorize",
        "token_endpoint": f"{base}/oidc/token",
        "jwks_uri": f"{base}/oidc/jwks",
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": [ALGORITHM],
        "scopes_supported": list(SCOPES),
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["iss", "sub", "aud", "exp", "iat", "auth_time", "nonce",
                             "at_hash", "name", "preferred_username"],
    })


@bp.get("/oidc/jwks")
def jwks() -> Response:
    return jsonify({"keys": [get_provider().key.jwk()]})


# -- authorization endpoint: the user picker -----------------------------------------------


class AuthorizeError(Exception):
    """A refused authorization request: `redirect` says whether the app may be told."""

    def __init__(self, error: str, message: str, *, redirect: bool) -> None:
        super().__init__(message)
        self.error = error
        self.message = message
        self.redirect = redirect


def check_authorize(state: SimState, fields: dict[str, str]) -> dict[str, str]:
    """Validate an authorization request (OIDC Core §3.1.2.2) plus PKCE and nonce."""
    settings = state.settings
    if fields.get("client_id") != settings.oidc_client_id:
        raise AuthorizeError("invalid_client", "client_id 不是已登记的客户端", redirect=False)
    parts = urlsplit(fields.get("redirect_uri", ""))
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.fragment:
        raise AuthorizeError("invalid_request", "redirect_uri 不是完整的 http(s) 地址",
                             redirect=False)
    # Port ignored, as on the OAuth pages. Never redirect to a host the client did not register.
    if parts.hostname.lower() not in settings.trusted_hosts:
        raise AuthorizeError("invalid_request",
                             f"redirect_uri 的域名 {parts.hostname} 不是可信域名", redirect=False)
    if fields.get("response_type") != "code":
        raise AuthorizeError("unsupported_response_type", "只支持 response_type=code",
                             redirect=True)
    scopes = fields.get("scope", "").split()
    if "openid" not in scopes or not set(scopes) <= set(SCOPES):
        raise AuthorizeError("invalid_scope", "scope 须包含 openid，只可另加 profile",
                             redirect=True)
    if fields.get("code_challenge_method") != "S256" or not CODE_CHALLENGE.match(
            fields.get("code_challenge", "")):
        raise AuthorizeError("invalid_request", "需要 PKCE：code_challenge_method=S256",
                             redirect=True)
    if not fields.get("nonce"):
        raise AuthorizeError("invalid_request", "需要 nonce", redirect=True)
    return {name: fields.get(name, "") for name in AUTHORIZE_FIELDS}


def _refuse(error: AuthorizeError, fields: dict[str, str]) -> Response | tuple[str, int]:
    if error.redirect:
        params = {"error": error.error, "error_description": error.message}
        if fields.get("state"):
            params["state"] = fields["state"]
        return redirect(redirect_uri_with(fields["redirect_uri"], **params), 302)
    return render_template("error.html", errcode=error.error, message=error.message), 400


@bp.get("/oidc/authorize")
def authorize() -> Response | tuple[str, int] | str:
    state = get_state()
    fields = request.args.to_dict()
    try:
        login = check_authorize(state, fields)
    except AuthorizeError as error:
        return _refuse(error, fields)
    with state.lock:
        groups = user_groups(state)
    return render_template("pick_user.html", login=login, action="oidc.authorize_pick",
                           title="统一身份认证（OpenID Connect）· 选择登录用户", groups=groups)


@bp.post("/oidc/authorize")
def authorize_pick() -> Response | tuple[str, int]:
    state = get_state()
    fields = request.form.to_dict()
    try:
        login = check_authorize(state, fields)
        user = state.find_user(fields.get("userid"))
        if user is None:
            raise AuthorizeError("invalid_request", "所选用户不存在", redirect=False)
    except AuthorizeError as error:
        return _refuse(error, fields)
    code = get_provider().issue_code(state, login, user["userid"])
    return redirect(redirect_uri_with(login["redirect_uri"], code=code, state=login["state"]),
                    302)


# -- token endpoint ------------------------------------------------------------------------


class TokenError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


@bp.errorhandler(TokenError)
def token_error(error: TokenError) -> Response:
    response = jsonify({"error": error.error, "error_description": error.description})
    response.status_code = error.status
    if error.error == "invalid_client":
        response.headers["WWW-Authenticate"] = 'Basic realm="platform-sim-oidc"'
    return _no_store(response)


def authenticate_client(state: SimState) -> str:
    """client_secret_basic (RFC 6749 §2.3.1); the secret never travels in the body."""
    if "client_secret" in request.form:
        raise TokenError("invalid_client", "只支持 client_secret_basic", 401)
    header = request.headers.get("Authorization", "")
    scheme, _, encoded = header.partition(" ")
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    client_id, colon, secret = decoded.partition(":")
    client_id, secret = unquote(client_id), unquote(secret)
    settings = state.settings
    if (scheme.lower() != "basic" or not colon or client_id != settings.oidc_client_id
            or not hmac.compare_digest(secret.encode(), settings.oidc_client_secret.encode())):
        raise TokenError("invalid_client", "客户端认证失败", 401)
    return client_id


def check_code(state: SimState, client_id: str) -> OidcCode:
    """The authorization code, checked against the client, redirect_uri and PKCE verifier."""
    form = request.form
    if form.get("grant_type") != "authorization_code":
        raise TokenError("unsupported_grant_type", "只支持 authorization_code")
    record = get_provider().take_code(state, form.get("code", ""))
    if record is None:
        raise TokenError("invalid_grant", "code 无效、已使用或已过期")
    if record.client_id != client_id:
        raise TokenError("invalid_grant", "code 不是签发给该客户端的")
    if form.get("redirect_uri") != record.redirect_uri:
        raise TokenError("invalid_grant", "redirect_uri 与登录请求不一致")
    verifier = form.get("code_verifier", "")
    if not CODE_VERIFIER.match(verifier) or not hmac.compare_digest(
            s256(verifier), record.code_challenge):
        raise TokenError("invalid_grant", "PKCE 校验失败：code_verifier 与 code_challenge 不符")
    return record


def at_hash(access_token: str) -> str:
    """OIDC Core §3.1.3.6: the left half of the SHA-256 of the access token."""
    return b64url(hashlib.sha256(access_token.encode("ascii")).digest()[:16])


def id_token_claims(state: SimState, record: OidcCode, access_token: str,
                    fault: str | None) -> dict:
    now = int(state.now())
    user = state.find_user(record.userid) or {"userid": record.userid, "name": record.userid}
    claims = {
        "iss": issuer(),
        "sub": user["userid"],
        "aud": record.client_id,
        "exp": now + ID_TOKEN_TTL,
        "iat": now,
        "auth_time": now,
        "nonce": record.nonce,
        "at_hash": at_hash(access_token),
        "preferred_username": user["userid"],
    }
    if "profile" in record.scope.split():
        claims["name"] = user["name"]
    if fault == "wrong_nonce":
        claims["nonce"] = secrets.token_urlsafe(16)
    elif fault == "wrong_audience":
        # azp still names this client: only an explicit aud check catches it.
        claims["aud"] = "another-client"
        claims["azp"] = record.client_id
    elif fault == "wrong_issuer":
        claims["iss"] = "https://idp.evil.example"
    elif fault == "expired":
        claims.update(iat=now - 7200, auth_time=now - 7200, exp=now - 3600)
    return claims


def sign_id_token(provider: OidcProvider, claims: dict, fault: str | None) -> str:
    header = {"alg": ALGORITHM, "typ": "JWT", "kid": provider.key.kid}
    if fault == "alg_none":
        header = {"alg": "none", "typ": "JWT"}
    signing_input = ".".join(
        b64url(json.dumps(part, ensure_ascii=False, separators=(",", ":")).encode())
        for part in (header, claims)
    ).encode("ascii")
    if fault == "alg_none":
        signature = b""
    elif fault == "bad_signature":
        signature = SigningKey().sign(signing_input)  # a key the JWKS does not publish
    else:
        signature = provider.key.sign(signing_input)
    return f"{signing_input.decode('ascii')}.{b64url(signature)}"


@bp.post("/oidc/token")
def token() -> Response:
    state = get_state()
    client_id = authenticate_client(state)
    record = check_code(state, client_id)
    provider = get_provider()
    fault = provider.take_id_token_fault()
    access_token = secrets.token_urlsafe(32)
    id_token = sign_id_token(provider, id_token_claims(state, record, access_token, fault), fault)
    return _no_store(jsonify({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_TTL,
        "scope": record.scope,
        "id_token": id_token,
    }))


# -- control: one bad ID token for tests ---------------------------------------------------


@bp.post("/_sim/oidc/id-token-fault")
def add_id_token_fault() -> tuple[Response, int]:
    body = request.get_json(silent=True) or request.form.to_dict()
    fault = body.get("fault") if isinstance(body, dict) else None
    if fault not in ID_TOKEN_FAULTS:
        return jsonify({"error": f"fault 应为 {'、'.join(ID_TOKEN_FAULTS)} 之一"}), 400
    provider = get_provider()
    with provider.lock:
        provider.id_token_faults.append(fault)
        pending = list(provider.id_token_faults)
    return jsonify({"pending": pending}), 201


@bp.delete("/_sim/oidc/id-token-fault")
def clear_id_token_faults() -> Response:
    provider = get_provider()
    with provider.lock:
        provider.id_token_faults.clear()
    return jsonify({"pending": []})
