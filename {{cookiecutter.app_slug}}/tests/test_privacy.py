"""Personal data (DB31DSJ/Z 003 §8.2): masking, consent, and the canary that must never land.

The simulator's user `canary` carries known sensitive values. After a whole session —
login, consent, profile, an item assigned and completed, messages — none of the raw
values may appear in the database file, the logs or any response; the masked forms
must appear where the profile shows them. Nor may the platform's user_ticket, which
fetches the raw values: nothing stored in the database can fetch them.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from {{ cookiecutter.__package_name }} import features
from {{ cookiecutter.__package_name }}.extensions import db
from {{ cookiecutter.__package_name }}.privacy import (
    mask_address,
    mask_bank_card,
    mask_email,
    mask_id_card,
    mask_ip,
    mask_mobile,
    mask_name,
    mask_telephone,
)
from {{ cookiecutter.__package_name }}.privacy.consent import ConsentRecord

from .platform_sim_support import CORP_ID, SECRET, hidden_fields

CANARY_RAW = ("13812345678", "canary.test@example.gov.cn", "人民大道200号", "11010519491231002X")


@pytest.mark.parametrize(
    ("mask", "raw", "expected"),
    [
        # Golden values of Hutool's DesensitizedUtil.
        (mask_name, "段正淳", "段**"),
        (mask_name, "欧阳娜娜", "欧***"),
        (mask_mobile, "18049531999", "180****1999"),
        (mask_mobile, "13812345678", "138****5678"),
        (mask_telephone, "09157518479", "0915*****79"),
        (mask_id_card, "51343620000320711X", "5***************1X"),
        (mask_email, "duandazhi-jack@gmail.com.cn", "d*************@gmail.com.cn"),
        (mask_email, "d@gmail.com", "d@gmail.com"),
        (mask_address, "北京市海淀区马连洼街道289号", "北京市海淀区马********"),
        (mask_address, "短地址", "***"),
        (mask_bank_card, "11011111222233333256", "1101 **** **** **** 3256"),
        (mask_bank_card, "6227 0000 1234 5678 901", "6227 **** **** **** 901"),
        (mask_bank_card, "12345678", "12345678"),
        (mask_ip, "192.168.1.1", "192.*.*.*"),
        (mask_ip, "2001:db8::1", "2001:*:*:*:*:*:*:*"),
        (mask_ip, "not an ip", "not an ip"),
    ],
)
def test_masking_follows_the_golden_values(mask, raw, expected):
    assert mask(raw) == expected


def answer_consent(auth, sim, *, picked: str = "canary", query: dict | None = None):
    """In the app: agree and POST /api/consent; on the platform: pick `picked`, 同意.

    Returns the app's answer to the platform's redirect back.
    """
    csrf = auth.csrf_token()
    answer = auth.client.post("/api/consent", headers={"X-CSRF-Token": csrf},
                              query_string=query or {})
    assert answer.status_code == 200
    authorize_url = answer.json["authorize_url"]
    assert parse_qs(urlsplit(authorize_url).query)["scope"] == ["snsapi_privateinfo"]
    page = requests.get(authorize_url.split("#")[0], timeout=5)
    action = urljoin(authorize_url, urlsplit(authorize_url).path)
    consent_page = requests.post(action, data={**hidden_fields(page.text), "userid": picked},
                                 allow_redirects=False, timeout=5)
    assert "同意" in consent_page.text
    accepted = requests.post(f"{sim.base_url}/connect/oauth2/consent",
                             data={**hidden_fields(consent_page.text), "decision": "accept"},
                             allow_redirects=False, timeout=5)
    return auth.follow_callback(accepted.headers["Location"])


def consent_through_the_platform(auth, sim) -> None:
    landed = answer_consent(auth, sim)
    assert landed.status_code == 302
    # Back on 我的, where the consent started (the front end's /me page, hash routes).
    assert landed.headers["Location"] == "/#/me"


def test_profile_without_consent_shows_no_sensitive_field(auth):
    auth.login("canary")
    profile = auth.client.get("/api/profile")
    assert profile.status_code == 200
    assert profile.headers["Cache-Control"] == "no-store"
    assert profile.json["sensitive"] is None
    assert profile.json["consent"] == {"granted": False, "granted_at": None}
    assert profile.json["name"] == "金丝雀"


def test_consent_shows_masked_values_and_records_who_what_when(auth, sim, platform_app):
    auth.login("canary")
    consent_through_the_platform(auth, sim)
    profile = auth.client.get("/api/profile").json
    assert profile["consent"]["granted"] is True
    assert profile["sensitive"] == {
        "mobile": "138****5678",
        "email": "c**********@example.gov.cn",
        "address": "上海市黄浦区********",
    }
    with platform_app.app_context():
        [record] = ConsentRecord.query.all()
    assert record.userid == "canary"
    assert record.fields == "mobile,email,address"
    assert record.granted_at > 0 and record.withdrawn_at is None


def test_withdrawing_consent_hides_the_fields_again(auth, sim, platform_app):
    auth.login("canary")
    consent_through_the_platform(auth, sim)
    csrf = auth.csrf_token()
    assert auth.client.delete("/api/consent", headers={"X-CSRF-Token": csrf}).status_code == 204
    profile = auth.client.get("/api/profile").json
    assert profile["sensitive"] is None
    assert profile["consent"]["granted"] is False
    with platform_app.app_context():
        [record] = ConsentRecord.query.all()
    assert record.withdrawn_at is not None


def test_declining_on_the_platform_grants_nothing(auth, sim):
    auth.login("canary")
    csrf = auth.csrf_token()
    authorize_url = auth.client.post("/api/consent",
                                     headers={"X-CSRF-Token": csrf}).json["authorize_url"]
    page = requests.get(authorize_url.split("#")[0], timeout=5)
    action = urljoin(authorize_url, urlsplit(authorize_url).path)
    consent_page = requests.post(action, data={**hidden_fields(page.text), "userid": "canary"},
                                 allow_redirects=False, timeout=5)
    declined = requests.post(f"{sim.base_url}/connect/oauth2/consent",
                             data={**hidden_fields(consent_page.text), "decision": "decline"},
                             allow_redirects=False, timeout=5)
    assert auth.follow_callback(declined.headers["Location"]).status_code == 400
    assert auth.client.get("/api/profile").json["consent"]["granted"] is False


def test_consent_needs_csrf(auth):
    auth.login("canary")
    assert auth.client.post("/api/consent").status_code == 403


def test_consent_returns_to_the_page_it_came_from(auth, sim):
    auth.login("canary")
    landed = answer_consent(auth, sim, query={"next": "/#/items/1?from=consent"})
    assert landed.status_code == 302
    assert landed.headers["Location"] == "/#/items/1?from=consent"
    # Somewhere else than this app is never a place to return to.
    landed = answer_consent(auth, sim, query={"next": "https://evil.example/"})
    assert landed.headers["Location"] == "/"


def test_consent_for_another_user_is_refused_and_the_session_stays(auth, sim, platform_app,
                                                                   caplog):
    """The platform's page lets anyone be picked: 张伟 asked, 金丝雀 was confirmed. Consent
    is not a login, so nothing changes but a line in the log."""
    auth.login("zhangwei")
    landed = answer_consent(auth, sim, picked="canary")
    assert landed.status_code == 403
    assert "您仍以原来的身份登录" in landed.get_data(as_text=True)
    me = auth.client.get("/api/me").json
    assert me["userid"] == "zhangwei"
    profile = auth.client.get("/api/profile").json
    assert profile["consent"]["granted"] is False and profile["sensitive"] is None
    with platform_app.app_context():
        assert ConsentRecord.query.count() == 0
    assert "consent refused: answered for canary, the session belongs to zhangwei" in caplog.text


def test_consent_without_a_session_grants_nothing(auth, sim):
    auth.login("canary")
    csrf = auth.csrf_token()
    authorize_url = auth.client.post("/api/consent",
                                     headers={"X-CSRF-Token": csrf}).json["authorize_url"]
    assert auth.client.post("/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    page = requests.get(authorize_url.split("#")[0], timeout=5)
    action = urljoin(authorize_url, urlsplit(authorize_url).path)
    consent_page = requests.post(action, data={**hidden_fields(page.text), "userid": "canary"},
                                 allow_redirects=False, timeout=5)
    accepted = requests.post(f"{sim.base_url}/connect/oauth2/consent",
                             data={**hidden_fields(consent_page.text), "decision": "accept"},
                             allow_redirects=False, timeout=5)
    assert auth.follow_callback(accepted.headers["Location"]).status_code == 401
    assert auth.client.get("/api/me").status_code == 401  # consent is not a login


def stored_strings(app) -> list[str]:
    """Every text value in every table of the app's database."""
    with app.app_context():
        values = []
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(table.select()):
                values.extend(value for value in row if isinstance(value, str))
        return values


def test_nothing_in_the_database_can_fetch_personal_data(auth, sim, platform_app):
    """While consent is active the session keeps the platform's user_ticket, sealed with a
    key from the browser's cookie: no value in the database, tried as a user_ticket,
    fetches the canary's details; the ticket itself is nowhere in the file."""
    auth.login("canary")
    consent_through_the_platform(auth, sim)
    assert auth.client.get("/api/profile").json["sensitive"]["mobile"] == "138****5678"
    [ticket] = sim.state.user_tickets  # the one the platform issued at consent
    database = Path(platform_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    if database.exists():
        assert ticket.encode() not in database.read_bytes()
    token = requests.get(f"{sim.base_url}/cgi-bin/gettoken", timeout=5, params={
        "corpid": CORP_ID, "corpsecret": SECRET}).json()["access_token"]
    tried = 0
    for value in set(stored_strings(platform_app)):
        detail = requests.post(f"{sim.base_url}/cgi-bin/auth/getuserdetail", timeout=5,
                               params={"access_token": token}, json={"user_ticket": value})
        assert detail.json()["errcode"] != 0, "a stored value fetched the personal details"
        tried += 1
    assert tried > 10
    # The ticket still works for the session itself: it is sealed, not lost.
    assert sim.calls("/cgi-bin/auth/getuserdetail")[0].errcode == 0


def test_the_canary_never_lands(auth, sim, platform_app, caplog):
    """A whole session with the canary; then search everything the app wrote or sent."""
    caplog.set_level(logging.DEBUG)
    bodies = []

    def keep(response):
        bodies.append(response.get_data(as_text=True))
        return response

    auth.login("canary")
    consent_through_the_platform(auth, sim)
    keep(auth.client.get("/api/profile"))
    database = Path(platform_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    # The database while consent is active, when it holds the (sealed) user_ticket.
    consenting = database.read_bytes().decode("utf-8", "replace") if database.exists() else ""
    csrf = auth.csrf_token()
    # Every GET the API offers (each feature's too: its first-screen list), and a write.
    for path in ("/api/messages", "/api/me", "/api/contacts?q=金",
                 *features.first_screen(platform_app)):
        keep(auth.client.get(path))
    keep(auth.client.delete("/api/consent", headers={"X-CSRF-Token": csrf}))

    stored = database.read_bytes().decode("utf-8", "replace") if database.exists() else ""
    everything = "\n".join([consenting, stored, caplog.text, *bodies])
    # The platform's user_ticket fetches the raw values: it must not land either.
    for raw in (*CANARY_RAW, *sim.state.user_tickets):
        assert raw not in everything, f"raw value {raw} landed"
    assert "138****5678" in bodies[0]
    # The simulator checks the other direction: nothing the app sent carried a raw value.
    assert requests.get(f"{sim.base_url}/_sim/canary-leaks", timeout=5).json()["leaks"] == []
