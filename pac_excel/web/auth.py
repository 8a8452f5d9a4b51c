"""The director's token, signed session cookies and CSRF tokens. Secrets live in the store
(``settings``), so that every server process on one database agrees."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import Any

from sqlalchemy import select

from ..store.tables import settings

SESSION_COOKIE = "pac_session"
SESSION_DAYS = 14


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _setting(conn: Any, key: str) -> str | None:
    return conn.execute(select(settings.c.value).where(settings.c.key == key)).scalar()


def _put_once(store: Any, key: str, value: str) -> str:
    """Store ``value`` under ``key`` unless a (concurrent) process did first; the stored one."""
    with store.engine.begin() as conn:
        conn.execute(store._insert(conn, settings).values(key=key, value=value).on_conflict_do_nothing())
        return str(_setting(conn, key))


class Keys:
    """The secrets of one store: the session key, the director's token hash."""

    def __init__(self, store: Any, admin_token: str | None) -> None:
        self.store = store
        self.secret = _put_once(store, "session_secret", secrets.token_hex(32)).encode()
        self.new_token: str | None = None
        if admin_token:
            self.admin_hash = _sha(admin_token)
        else:
            with store.engine.connect() as conn:
                known = _setting(conn, "admin_token_sha256")
            if known is None:  # first start: a token, shown once, kept hashed
                token = secrets.token_urlsafe(32)
                stored = _put_once(store, "admin_token_sha256", _sha(token))
                self.new_token = token if stored == _sha(token) else None
                known = stored
            self.admin_hash = known

    # ---------------------------------------------------------------- the director
    def is_admin_token(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(_sha(token or ""), self.admin_hash)

    def session_cookie(self) -> str:
        payload = base64.urlsafe_b64encode(json.dumps({"admin": True, "sid": secrets.token_hex(16),
                                                       "exp": int(time.time()) + SESSION_DAYS * 86400}).encode())
        return f"{payload.decode()}.{self._sign(payload)}"

    def session(self, cookie: str | None) -> dict[str, Any] | None:
        """The session a cookie carries, when its signature holds and it has not expired."""
        if not cookie or "." not in cookie:
            return None
        payload, sig = cookie.rsplit(".", 1)
        if not hmac.compare_digest(sig, self._sign(payload.encode())):
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(payload.encode()))
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("exp", 0) < time.time():
            return None
        return data

    def _sign(self, payload: bytes) -> str:
        return hmac.new(self.secret, payload, hashlib.sha256).hexdigest()

    # ---------------------------------------------------------------- CSRF
    def csrf(self, scope: str) -> str:
        """The CSRF token of a form, bound to the session (or the team link) it belongs to."""
        return hmac.new(self.secret, f"csrf:{scope}".encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, scope: str, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(self.csrf(scope), given or "")


def team_token() -> str:
    """A team link's secret: 192 random bits."""
    return secrets.token_urlsafe(24)
