"""The production-like stack on loopback: nginx → gunicorn → database → the platform.

The SSO login runs through nginx over HTTPS with APP_ENV=production,
and the platform sees ONE gettoken for all the processes that need a token:
{%- if cookiecutter.cache == "redis" %}
two app instances of 4 gunicorn workers each and the relay, each with its own instance
folder, share it through Redis.
{%- else %}
the 4 gunicorn workers and the relay of one host share it through the file store in
their instance folder (another host would fetch its own: cache=redis shares it).
{%- endif %}
Needs Debian's nginx{% if cookiecutter.cache == "redis" %} and redis-server{% endif %}. The database is PostgreSQL when TEST_DATABASE_URL is
set (the postgresql bake's `make test-backend`), else SQLite.
"""

from __future__ import annotations

import concurrent.futures

import pytest
from devtools.loopback_stack import CACHE, LoopbackStack, missing_programs, wait_until

WORKERS = 4
# With Redis, two instances as two hosts would run them; without, one host.
INSTANCES = 2 if CACHE == "redis" else 1

pytestmark = pytest.mark.skipif(
    bool(missing_programs()),
    reason=f"not installed: {', '.join(missing_programs())} (apt-get install "
           f"{' '.join(missing_programs())})")


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with LoopbackStack(tmp_path_factory.mktemp("stack"), workers=WORKERS,
                       instances=INSTANCES) as running:
        yield running


def health_burst(stack, instance, size: int = 24) -> set[int]:
    """Concurrent /healthz straight to one instance; the worker pids that have answered."""
    with concurrent.futures.ThreadPoolExecutor(size) as pool:
        answers = list(pool.map(
            lambda _: instance.get("/healthz", timeout=10),
            range(size)))
    assert all(answer.status_code == 200 for answer in answers)
    return set(instance.served_by())


def test_every_worker_of_every_instance_shares_one_access_token(stack):
    """The platform limits token fetches: the first test, on a cold stack."""
    for instance in stack.instances:
        workers = set(instance.worker_pids())
        assert len(workers) == WORKERS
        # Each worker's first health check needs the platform token; bursts until every
        # worker has answered at least once (bounded by time).
        wait_until(lambda instance=instance, workers=workers:
                   workers <= health_burst(stack, instance),
                   f"every worker of instance {instance.name} answering", seconds=60)
    assert stack.gettoken_calls() == 1


def test_https_health_reports_every_dependency(stack):
    answer = stack.get("/healthz")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/health+json"
    assert answer.raw.headers.getlist("Strict-Transport-Security") == [
        "max-age=63072000; includeSubDomains"]
    health = answer.json()
    assert health["status"] == "pass", health
    assert health["version"] == "1.0.0"
    expected = {"database:responseTime", "platform:responseTime", "outbox:backlog"}
    if CACHE == "redis":
        expected.add("cache:responseTime")
    assert set(health["checks"]) == expected


def test_plain_http_is_sent_to_https(stack):
    answer = stack.session().get(f"http://127.0.0.1:{stack.http_port}/api/me",
                                 allow_redirects=False, timeout=10)
    assert answer.status_code == 301
    assert answer.headers["Location"].startswith("https://")


def test_sso_login_through_nginx_sets_a_host_only_secure_cookie(stack):
    browser = stack.session()
    me = stack.login(browser, "zhangwei")
    assert me["userid"] == "zhangwei" and me["csrf_token"]
    # The app saw https through nginx (ProxyFix), so the session cookie is __Host- and Secure.
    [cookie] = [c for c in browser.cookies if c.name.endswith("ywxt_session")]
    assert cookie.name == "__Host-ywxt_session" and cookie.secure
    assert browser.post(f"{stack.base_url}/auth/logout", timeout=10,
                        headers={"X-CSRF-Token": me["csrf_token"]}).status_code == 204
    assert browser.get(f"{stack.base_url}/api/me", timeout=10).status_code == 401


def test_a_logout_ends_the_session_in_every_worker_at_once(stack):
    """Workers may keep copies of sessions (the embedded database: a count shared in
    memory drops them; Redis: a tombstone). Requests spread over every worker keep a copy
    in each; after the logout, not one of them answers with the session."""
    browser = stack.session()
    me = stack.login(browser, "zhangwei")
    cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies
                       if c.name.endswith("ywxt_session"))

    def burst() -> list[int]:
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            return list(pool.map(lambda _: stack.get("/api/me", headers={
                "Cookie": cookie}).status_code, range(48)))

    assert burst() == [200] * 48
    assert browser.post(f"{stack.base_url}/auth/logout", timeout=10,
                        headers={"X-CSRF-Token": me["csrf_token"]}).status_code == 204
    assert burst() == [401] * 48


def test_a_refused_token_is_replaced_once_for_all_workers(stack):
    """The platform revokes the token: the next logins, which nginx spreads over every
    worker{% if cookiecutter.cache == "redis" %} of both instances{% endif %}, meet 40001 together and cause exactly one gettoken."""
    before = stack.gettoken_calls()
    assert stack.sim("POST", "/_sim/revoke-token").ok
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        logins = list(pool.map(lambda n: stack.login(stack.session(), "zhangwei"), range(8)))
    assert all(me["userid"] == "zhangwei" for me in logins)
    assert stack.gettoken_calls() == before + 1
