"""All mutable state of the simulator: one `SimState` object, one lock, one clock.

Time is read only through `SimState.now()`, which is the injectable clock plus an offset that
`advance()` moves, so tests expire tokens, codes and tickets without sleeping. Every call the
platform receives is recorded with credentials redacted.
"""

from __future__ import annotations

import copy
import hmac
import json
import math
import re
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from . import org
from .errors import SimError
from .settings import SimSettings

TOKEN_TTL = 7200  # access_token, WeCom gettoken
CODE_TTL = 300  # OAuth code: single use, 5 minutes
USER_TICKET_TTL = 1800  # user_ticket from snsapi_privateinfo
JSAPI_TICKET_TTL = 7200

SCOPE_BASE = "snsapi_base"
SCOPE_PRIVATEINFO = "snsapi_privateinfo"

FAULT_KINDS = ("errcode", "gateway", "timeout", "disconnect")  # plus httpNNN
_HTTP_FAULT = re.compile(r"^http([1-5]\d\d)$")

# Never kept in the call record: they would let anyone holding the record call the platform.
REDACTED_KEYS = frozenset({"access_token", "corpsecret", "secret", "user_ticket"})
REDACTED = "[REDACTED]"


@dataclass
class Token:
    value: str
    expires_at: float
    revoked: bool = False


@dataclass
class AuthCode:
    code: str
    userid: str
    scope: str
    agentid: str
    source: str  # "oauth" (in-client authorize) or "web" (网页端 login)
    consent: bool
    expires_at: float
    used: bool = False


@dataclass
class UserTicket:
    ticket: str
    userid: str
    expires_at: float


@dataclass
class JsapiTicket:
    value: str
    expires_at: float


@dataclass
class Fault:
    path: str
    kind: str
    remaining: int
    errcode: int = -1
    seconds: float | None = None


@dataclass
class Call:
    seq: int
    at: float
    method: str
    path: str
    query: dict
    body: Any
    status: int | None = None
    errcode: int | None = None
    code: int | None = None
    fault: str | None = None


@dataclass
class Todo:
    task_num: str
    fields: dict
    created_at: float
    status: int = 0
    read_status: int = 0
    done_url: str | None = None
    pc_done_url: str | None = None
    duplicate_attempts: int = 0
    updates: list = field(default_factory=list)


@dataclass
class Message:
    msgid: str
    channel: str  # "app" (message/send), "appchat" (appchat/send) or "todo" (todo sendMessage)
    msgtype: str
    content: dict
    recipients: list
    sent_at: float
    agentid: str | None = None
    chatid: str | None = None
    invaliduser: list = field(default_factory=list)
    invalidparty: list = field(default_factory=list)
    invalidtag: list = field(default_factory=list)
    dropped: list = field(default_factory=list)  # over the per-member limit: silently dropped
    duplicates_suppressed: int = 0
    recalled_at: float | None = None


@dataclass
class Chat:
    chatid: str
    name: str
    owner: str
    userlist: list
    created_at: float
    has_message: bool = False  # WeCom shows a new group only after its first message


@dataclass
class Media:
    media_id: str
    media_type: str
    filename: str
    size: int
    created_at: float


def redact(value: Any) -> Any:
    """A copy of a query/body with credential values replaced, at any depth."""
    if isinstance(value, dict):
        return {
            k: (REDACTED if k in REDACTED_KEYS and v not in (None, "") else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def to_plain(record: Any) -> Any:
    """A JSON-ready view of a record (or list of records) for the control API."""
    if isinstance(record, list | tuple | deque):
        return [to_plain(item) for item in record]
    return asdict(record)


class SimState:
    """Tokens, codes, tickets, contacts, todos, messages, faults and the call record."""

    def __init__(self, settings: SimSettings, clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.lock = threading.RLock()
        self._clock = clock
        # Set when the server stops, so a "timeout" fault does not hold a thread for long.
        self.wake = threading.Event()
        self.reset()

    def reset(self) -> None:
        """Back to the seeded organisation with nothing issued, received or scheduled."""
        with self.lock:
            self.clock_offset = 0.0
            self.departments: dict[int, dict] = {
                d["id"]: copy.deepcopy(d) for d in org.DEPARTMENTS
            }
            self.users: dict[str, dict] = {u["userid"]: copy.deepcopy(u) for u in org.USERS}
            self.visible_departments: set[int] = {org.ROOT_DEPARTMENT_ID}
            self.visible_users: set[str] = set()
            self.tokens: dict[str, Token] = {}
            self.current_token: str | None = None
            self.tokens_issued = 0
            self.codes: dict[str, AuthCode] = {}
            self.user_tickets: dict[str, UserTicket] = {}
            self.jsapi_tickets: dict[str, JsapiTicket | None] = {"corp": None, "agent": None}
            self.ticket_fetch_times: dict[str, deque] = {"corp": deque(), "agent": deque()}
            self.ticket_fetch_totals: dict[str, int] = {"corp": 0, "agent": 0}
            self.todos: dict[str, Todo] = {}
            self.messages: list[Message] = []
            self.dedupe_index: dict[str, tuple[str, float]] = {}
            self.member_deliveries: dict[str, deque] = defaultdict(deque)
            self.chats: dict[str, Chat] = {}
            self.media: dict[str, Media] = {}
            self.reports: list[dict] = []
            self.report_ids: set[str] = set()
            self.report_duplicates = 0
            self.calls: deque[Call] = deque(maxlen=self.settings.max_recorded_calls)
            self.call_seq = 0
            self.faults: list[Fault] = []
            self.rate_windows: dict[str, deque] = defaultdict(deque)
            self.down: str | None = None  # None, "503" or "refuse"
            self.envelope_all = self.settings.envelope_all
            self.canary_leaks: list[dict] = []

    # -- clock ---------------------------------------------------------------------------

    def now(self) -> float:
        return self._clock() + self.clock_offset

    def seconds_left(self, expires_at: float) -> int:
        """Whole seconds until expiry: 7200 for a token issued this instant."""
        return max(math.ceil(expires_at - self.now()), 0)

    def advance(self, seconds: float) -> float:
        """Move the simulator clock forward; returns the new time."""
        with self.lock:
            self.clock_offset += seconds
            return self.now()

    # -- access_token --------------------------------------------------------------------

    def issue_token(self, corpid: str, corpsecret: str) -> Token:
        """gettoken: the same token while it is valid, a new one after expiry or revocation."""
        if not corpid:
            raise SimError(41002)
        if corpid != self.settings.corp_id:
            raise SimError(40013)
        if not corpsecret:
            raise SimError(41004)
        if not hmac.compare_digest(corpsecret.encode(), self.settings.secret.encode()):
            raise SimError(40001)
        with self.lock:
            token = self.tokens.get(self.current_token or "")
            if token and not token.revoked and self.now() < token.expires_at:
                return token
            token = Token(secrets.token_urlsafe(48), self.now() + TOKEN_TTL)
            self.tokens[token.value] = token
            self.current_token = token.value
            self.tokens_issued += 1
            return token

    def check_token(self, value: str | None) -> None:
        if not value:
            raise SimError(41001)
        with self.lock:
            token = self.tokens.get(value)
            if token is None or token.revoked:
                raise SimError(40014)
            if self.now() >= token.expires_at:
                raise SimError(42001)

    def revoke_tokens(self) -> int:
        """Revoke every live token (as an admin resetting the secret would); returns how many."""
        with self.lock:
            live = [t for t in self.tokens.values() if not t.revoked]
            for token in live:
                token.revoked = True
            self.current_token = None
            return len(live)

    # -- OAuth code and user_ticket ------------------------------------------------------

    def issue_code(self, userid: str, *, scope: str, agentid: str, source: str,
                   consent: bool) -> str:
        with self.lock:
            code = secrets.token_urlsafe(24)
            self.codes[code] = AuthCode(code, userid, scope, agentid, source, consent,
                                        self.now() + CODE_TTL)
            return code

    def consume_code(self, code: str | None) -> dict:
        """auth/getuserinfo: single use, 5 minutes; user_ticket only after consent."""
        if not code:
            raise SimError(41008)
        with self.lock:
            record = self.codes.get(code)
            if record is None or record.used or self.now() >= record.expires_at:
                raise SimError(40029)
            record.used = True
            answer: dict[str, Any] = {"userid": record.userid}
            # WeCom: user_ticket only for snsapi_privateinfo, and only inside the visible range;
            # web login never yields one.
            if (record.source == "oauth" and record.scope == SCOPE_PRIVATEINFO
                    and record.consent and self.is_visible_user(record.userid)):
                ticket = UserTicket(secrets.token_urlsafe(48), record.userid,
                                    self.now() + USER_TICKET_TTL)
                self.user_tickets[ticket.ticket] = ticket
                answer["user_ticket"] = ticket.ticket
                answer["expires_in"] = USER_TICKET_TTL
            return answer

    def read_user_ticket(self, ticket: str | None) -> str:
        """The userid a user_ticket stands for; reusable until it expires."""
        if not ticket:
            raise SimError(84090)
        with self.lock:
            record = self.user_tickets.get(ticket)
            if record is None:
                raise SimError(84015)
            if self.now() >= record.expires_at:
                raise SimError(84014)
            return record.userid

    # -- jsapi tickets -------------------------------------------------------------------

    def fetch_jsapi_ticket(self, kind: str) -> JsapiTicket:
        """corp (wx.config) or agent (wx.agentConfig) ticket, with WeCom's hourly fetch limit."""
        limit = {
            "corp": self.settings.corp_ticket_limit_per_hour,
            "agent": self.settings.agent_ticket_limit_per_hour,
        }[kind]
        with self.lock:
            now = self.now()
            window = self.ticket_fetch_times[kind]
            while window and window[0] <= now - 3600:
                window.popleft()
            if len(window) >= limit:
                raise SimError(45009, f"{kind} jsapi_ticket fetched {limit} times this hour")
            window.append(now)
            self.ticket_fetch_totals[kind] += 1
            ticket = self.jsapi_tickets[kind]
            if ticket is None or now >= ticket.expires_at:
                ticket = JsapiTicket(secrets.token_urlsafe(64), now + JSAPI_TICKET_TTL)
                self.jsapi_tickets[kind] = ticket
            return ticket

    def current_jsapi_ticket(self, kind: str) -> str | None:
        """The ticket a signature must be made with now, or None if none is valid."""
        with self.lock:
            ticket = self.jsapi_tickets[kind]
            if ticket is None or self.now() >= ticket.expires_at:
                return None
            return ticket.value

    # -- contacts ------------------------------------------------------------------------

    def find_user(self, userid: str | None) -> dict | None:
        """Userids are case-insensitive on the platform."""
        if not userid:
            return None
        return self.users.get(userid.lower())

    def department_subtree(self, dept_id: int) -> list[int]:
        """The department and all its descendants, parents before children."""
        found = [dept_id]
        for current in found:
            children = sorted(
                (d for d in self.departments.values() if d["parentid"] == current),
                key=lambda d: -d["order"],
            )
            found.extend(d["id"] for d in children)
        return found

    def is_visible_department(self, dept_id: int) -> bool:
        current: int | None = dept_id
        while current:
            if current in self.visible_departments:
                return True
            parent = self.departments.get(current)
            current = parent["parentid"] if parent else None
        return False

    def is_visible_user(self, userid: str) -> bool:
        user = self.find_user(userid)
        if user is None:
            return False
        if user["userid"] in self.visible_users:
            return True
        return any(self.is_visible_department(d) for d in user["department"])

    def visible_user_ids(self) -> list[str]:
        return [u for u in self.users if self.is_visible_user(u)]

    # -- faults, rate limits, down -------------------------------------------------------

    def add_fault(self, path: str, kind: str, *, count: int = 1, errcode: int = -1,
                  seconds: float | None = None) -> Fault:
        if kind not in FAULT_KINDS and not _HTTP_FAULT.match(kind):
            raise ValueError(f"unknown fault kind {kind!r}")
        if count < 1:
            raise ValueError("count must be at least 1")
        fault = Fault(path, kind, count, errcode, seconds)
        with self.lock:
            self.faults.append(fault)
        return fault

    def take_fault(self, path: str) -> Fault | None:
        """The first pending fault for this path, counting one use of it."""
        with self.lock:
            for fault in self.faults:
                if fault.path == path:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self.faults.remove(fault)
                    return fault
            return None

    def hit_rate_limit(self, path: str) -> bool:
        """Count one call of this path; True if it is over the per-minute limit."""
        with self.lock:
            now = self.now()
            window = self.rate_windows[path]
            while window and window[0] <= now - 60:
                window.popleft()
            if len(window) >= self.settings.rate_limit_per_min:
                return True
            window.append(now)
            return False

    @staticmethod
    def http_fault_status(kind: str) -> int | None:
        match = _HTTP_FAULT.match(kind)
        return int(match.group(1)) if match else None

    # -- call record ---------------------------------------------------------------------

    def record_call(self, method: str, path: str, query: dict, body: Any, raw: str) -> Call:
        """Record a received call (credentials redacted) and note any canary value in it."""
        with self.lock:
            self.call_seq += 1
            call = Call(self.call_seq, self.now(), method, path, redact(query), redact(body))
            self.calls.append(call)
            for name, value in org.CANARY_SECRETS.items():
                if value in raw:
                    self.canary_leaks.append({"seq": call.seq, "path": path, "field": name})
            return call

    def find_calls(self, path: str | None = None) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if path is None or c.path == path]

    # -- summaries for the control API ---------------------------------------------------

    def status(self) -> dict:
        with self.lock:
            return {
                "now": self.now(),
                "clock_offset": self.clock_offset,
                "down": self.down,
                "envelope_all": self.envelope_all,
                "tokens_issued": self.tokens_issued,
                "ticket_fetches": dict(self.ticket_fetch_totals),
                "pending_faults": to_plain(self.faults),
                "calls_recorded": self.call_seq,
                "canary_leaks": len(self.canary_leaks),
            }

    @staticmethod
    def dumps(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
