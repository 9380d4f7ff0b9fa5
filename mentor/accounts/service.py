"""The accounts facade a Workspace hands out as ``ws.accounts``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from mentor.accounts import passwords, sessions, tokens
from mentor.accounts.roles import Role, parse_role
from mentor.accounts.sessions import LoginSession
from mentor.accounts.throttle import LoginThrottle, SignInError
from mentor.accounts.tokens import ApiToken, NewToken
from mentor.accounts.users import (
    User,
    get_user,
    insert_user,
    list_users,
    name_of,
    password_hash_of,
    update_user,
)
from mentor.errors import ConflictError
from mentor.store import now, record_event, write_transaction

if TYPE_CHECKING:
    from mentor.workspace import Workspace

WRONG: str = "wrong user name or password"


class Accounts:
    """Users, roles, login sessions and API tokens of one workspace.

    Every change is written to the audit log as the workspace's actor.
    """

    def __init__(self, ws: Workspace):
        self.ws = ws
        self.throttle = LoginThrottle()

    # users ---------------------------------------------------------------------------------
    def add_user(self, name: str, role: Role | str, password: str) -> User:
        """Add a user who signs in with `password` (stored only as an argon2 hash)."""
        role = parse_role(role, "--role")
        passwords.check_new(password)
        hashed = passwords.hash_password(password)
        with write_transaction(self.ws.engine) as conn:
            user = insert_user(conn, name, role, hashed, self.ws.actor)
            self._event(conn, "user.create", name, after={"role": role.value})
        return user

    def users(self) -> list[User]:
        """Every user, by name (disabled ones included)."""
        with self.ws.engine.connect() as conn:
            return list_users(conn)

    def user(self, name: str) -> User:
        """One user by name."""
        with self.ws.engine.connect() as conn:
            return get_user(conn, name)

    def set_role(self, name: str, role: Role | str) -> User:
        """Give user `name` another role; it applies to their next request."""
        role = parse_role(role, "ROLE")
        with write_transaction(self.ws.engine) as conn:
            before = get_user(conn, name)
            if before.role is Role.ADMIN and role is not Role.ADMIN:
                self._keep_an_admin(conn, before)
            user = update_user(conn, name, role=role.value)
            self._event(
                conn,
                "user.role",
                name,
                before={"role": before.role.value},
                after={"role": role.value},
            )
        return user

    def set_password(self, name: str, password: str) -> User:
        """Replace the password of `name` and sign them out everywhere."""
        passwords.check_new(password)
        hashed = passwords.hash_password(password)
        with write_transaction(self.ws.engine) as conn:
            user = update_user(conn, name, password_hash=hashed)
            ended = sessions.end_all(conn, user.id)
            self._event(conn, "user.password", name, detail={"sessions_ended": ended})
        return user

    def disable(self, name: str) -> User:
        """Stop `name` from signing in or using tokens; their sessions end at once."""
        with write_transaction(self.ws.engine) as conn:
            before = get_user(conn, name)
            if before.disabled:
                return before
            if before.role is Role.ADMIN:
                self._keep_an_admin(conn, before)
            user = update_user(conn, name, disabled_at=now())
            ended = sessions.end_all(conn, user.id)
            self._event(conn, "user.disable", name, detail={"sessions_ended": ended})
        return user

    def enable(self, name: str) -> User:
        """Let a disabled user sign in again (their revoked tokens stay revoked)."""
        with write_transaction(self.ws.engine) as conn:
            if not get_user(conn, name).disabled:
                return get_user(conn, name)
            user = update_user(conn, name, disabled_at=None)
            self._event(conn, "user.enable", name)
        return user

    # sessions ------------------------------------------------------------------------------
    def login(self, name: str, password: str) -> LoginSession:
        """Check the password and start a login session (raises :class:`SignInError`)."""
        self.throttle.check(name)
        with self.ws.engine.connect() as conn:
            found = password_hash_of(conn, name)
        if not passwords.verify(found[1] if found else None, password) or found is None:
            self.throttle.failed(name)
            raise SignInError(WRONG)
        user, stored = found
        if user.disabled:
            raise SignInError(f"user '{name}' is disabled; ask an admin to enable it")
        self.throttle.succeeded(name)
        with write_transaction(self.ws.engine) as conn:
            if passwords.needs_rehash(stored):
                update_user(conn, name, password_hash=passwords.hash_password(password))
            sessions.purge_expired(conn)
            session = sessions.start(conn, user)
            record_event(conn, actor=name, action="user.login", object_type="user", object_id=name)
        return session

    def session_user(self, token: str) -> User | None:
        """The user signed in with session cookie `token` (None if unknown, ended or expired)."""
        with self.ws.engine.connect() as conn:
            found = sessions.resolve(conn, token)
        if found is None:
            return None
        if found.stale:
            with write_transaction(self.ws.engine) as conn:
                sessions.touch(conn, found.session_id)
        return found.user

    def logout(self, token: str) -> bool:
        """End the session with cookie `token` on the server; False if it was not live."""
        with write_transaction(self.ws.engine) as conn:
            user_id = sessions.end(conn, token)
            if user_id is None:
                return False
            name = name_of(conn, user_id)
            record_event(conn, actor=name, action="user.logout", object_type="user", object_id=name)
        return True

    # API tokens ----------------------------------------------------------------------------
    def create_token(self, name: str, label: str = "") -> NewToken:
        """A new API token for `name`: keep ``.token`` now, it is never shown again."""
        with write_transaction(self.ws.engine) as conn:
            new = tokens.create(conn, get_user(conn, name), label, self.ws.actor)
            self._token_event(conn, "token.create", new.info)
        return new

    def tokens(self, name: str | None = None) -> list[ApiToken]:
        """Every API token (of user `name`, if given), revoked ones included."""
        with self.ws.engine.connect() as conn:
            return tokens.list_tokens(conn, get_user(conn, name) if name else None)

    def token(self, token_id: int) -> ApiToken:
        """One API token by id."""
        with self.ws.engine.connect() as conn:
            return tokens.get(conn, token_id)

    def revoke_token(self, token_id: int) -> ApiToken:
        """Revoke token `token_id`: requests carrying it are refused from now on."""
        with write_transaction(self.ws.engine) as conn:
            info = tokens.revoke(conn, token_id)
            self._token_event(conn, "token.revoke", info)
        return info

    def token_user(self, token: str) -> User | None:
        """The user an API token belongs to (None if unknown, revoked, or the user disabled)."""
        with self.ws.engine.connect() as conn:
            found = tokens.resolve(conn, token)
        if found is None:
            return None
        if found.stale:
            with write_transaction(self.ws.engine) as conn:
                tokens.touch(conn, found.token_id)
        return found.user

    # ---------------------------------------------------------------------------------------
    def _keep_an_admin(self, conn: Connection, user: User) -> None:
        admins = [u for u in list_users(conn) if u.role is Role.ADMIN and not u.disabled]
        if admins == [user]:
            raise ConflictError(f"'{user.name}' is the last admin; make another user admin first")

    def _event(self, conn: Connection, action: str, name: str, **changes: Any) -> None:
        record_event(
            conn, actor=self.ws.actor, action=action, object_type="user", object_id=name, **changes
        )

    def _token_event(self, conn: Connection, action: str, info: ApiToken) -> None:
        detail = {"user": info.user, "label": info.label, "prefix": info.prefix}
        record_event(
            conn,
            actor=self.ws.actor,
            action=action,
            object_type="api_token",
            object_id=f"token:{info.id}",
            detail=detail,
        )
