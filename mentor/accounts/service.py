"""The accounts facade a Workspace hands out as ``ws.accounts``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from mentor.accounts import passwords, sessions, throttle, tokens
from mentor.accounts.passwords import PasswordChange
from mentor.accounts.roles import Role, parse_role
from mentor.accounts.sessions import LoginSession, SessionUser
from mentor.accounts.throttle import LOCAL, SignInError
from mentor.accounts.tokens import ApiToken, NewToken, TokenUser
from mentor.accounts.users import (
    NAME,
    User,
    get_user,
    insert_user,
    list_users,
    name_of,
    normal_name,
    password_hash_of,
    update_user,
)
from mentor.errors import ConflictError
from mentor.store import now, record_event, write_transaction

if TYPE_CHECKING:
    from mentor.workspace import Workspace

WRONG: str = "wrong user name or password"
WRONG_CURRENT: str = "the current password is wrong"


class Accounts:
    """Users, roles, login sessions and API tokens of one workspace.

    Every change is written to the audit log as the workspace's actor.
    """

    def __init__(self, ws: Workspace):
        self.ws = ws

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

    def set_password(
        self, name: str, password: str, *, revoke_tokens: bool = False, keep_session: str = ""
    ) -> PasswordChange:
        """Replace the password of `name` and end their login sessions, all but `keep_session`
        (the cookie of the browser making the change, when it is theirs). Their API tokens keep
        working unless `revoke_tokens`."""
        passwords.check_new(password)
        hashed = passwords.hash_password(password)
        with write_transaction(self.ws.engine) as conn:
            user = update_user(conn, name, password_hash=hashed)
            ended = sessions.end_all(conn, user.id, keep=keep_session)
            revoked = tokens.revoke_all(conn, user) if revoke_tokens else []
            for info in revoked:
                self._token_event(conn, "token.revoke", info, reason="new password")
            detail = {"sessions_ended": ended, "tokens_revoked": [t.id for t in revoked]}
            self._event(conn, "user.password", name, detail=detail)
        return PasswordChange(user, ended, tuple(revoked))

    def change_password(
        self,
        name: str,
        current: str,
        new: str,
        *,
        revoke_tokens: bool = False,
        keep_session: str = "",
        client: str = LOCAL,
    ) -> PasswordChange:
        """Change one's own password, proven by the `current` one: a wrong one counts as a
        failed sign-in from `client`. Otherwise as :meth:`set_password`."""
        passwords.check_new(new, "new password")
        name = normal_name(name)
        self._verified(name, current, client, WRONG_CURRENT)
        with write_transaction(self.ws.engine) as conn:
            throttle.succeeded(conn, client, name)
        return self.set_password(name, new, revoke_tokens=revoke_tokens, keep_session=keep_session)

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
    def login(self, name: str, password: str, *, client: str = LOCAL) -> LoginSession:
        """Check the password and start a login session (raises :class:`SignInError`).

        `name` is taken as typed (`` Cleo`` is cleo). `client` is the address the attempt comes
        from (the web app passes the request's): failures slow down that address, and that
        address with that name, never the name from everywhere (see mentor.accounts.throttle).
        """
        name = normal_name(name)
        user, stored = self._verified(name, password, client, WRONG)
        if user.disabled:
            raise SignInError(f"user '{name}' is disabled; ask an admin to enable it")
        with write_transaction(self.ws.engine) as conn:
            throttle.succeeded(conn, client, name)
            if passwords.needs_rehash(stored):
                update_user(conn, name, password_hash=passwords.hash_password(password))
            sessions.purge_expired(conn)
            session = sessions.start(conn, user)
            record_event(conn, actor=name, action="user.login", object_type="user", object_id=name)
        return session

    def peek_session(self, token: str) -> SessionUser | None:
        """The live session of cookie `token`, read only: ``stale`` says that its use is due to
        be recorded, which :meth:`session_user` does."""
        with self.ws.engine.connect() as conn:
            return sessions.resolve(conn, token)

    def peek_token(self, token: str) -> TokenUser | None:
        """The live API token `token`, read only: ``stale`` says that its use is due to be
        recorded, which :meth:`token_user` does."""
        with self.ws.engine.connect() as conn:
            return tokens.resolve(conn, token)

    def session_user(self, token: str) -> User | None:
        """The user signed in with session cookie `token` (None if unknown, ended or expired)."""
        found = self.peek_session(token)
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
        found = self.peek_token(token)
        if found is None:
            return None
        if found.stale:
            with write_transaction(self.ws.engine) as conn:
                tokens.touch(conn, found.token_id)
        return found.user

    # ---------------------------------------------------------------------------------------
    def _verified(self, name: str, password: str, client: str, wrong: str) -> tuple[User, str]:
        """The user `name` and their stored hash if `password` is theirs; else raise
        SignInError(`wrong`). Paused clients are refused before any hashing. The attempt is
        counted as failed before the hashing (see throttle.reserve): the caller takes the
        count back with throttle.succeeded once the sign-in is done."""
        with self.ws.engine.connect() as conn:  # a paused client is refused without a write
            throttle.check(conn, client, name, now())
        with write_transaction(self.ws.engine) as conn:
            throttle.reserve(conn, client, name, now())
            found = password_hash_of(conn, name) if NAME.fullmatch(name) else None
        # An unknown name is checked against a dummy hash: it costs as long as a wrong password.
        if not passwords.verify(found[1] if found else None, password) or found is None:
            # Apart, so the purge never holds rows while a count waits (see throttle.purge).
            with write_transaction(self.ws.engine) as conn:
                throttle.purge(conn, now())
            raise SignInError(wrong)
        return found

    def _keep_an_admin(self, conn: Connection, user: User) -> None:
        admins = [u for u in list_users(conn) if u.role is Role.ADMIN and not u.disabled]
        if admins == [user]:
            raise ConflictError(f"'{user.name}' is the last admin; make another user admin first")

    def _event(self, conn: Connection, action: str, name: str, **changes: Any) -> None:
        record_event(
            conn, actor=self.ws.actor, action=action, object_type="user", object_id=name, **changes
        )

    def _token_event(self, conn: Connection, action: str, info: ApiToken, reason: str = "") -> None:
        detail = {"user": info.user, "label": info.label, "prefix": info.prefix}
        if reason:
            detail["reason"] = reason
        record_event(
            conn,
            actor=self.ws.actor,
            action=action,
            object_type="api_token",
            object_id=f"token:{info.id}",
            detail=detail,
        )
