"""`mentor users ...`: users, roles and API tokens (over mentor.accounts)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from mentor.accounts import ApiToken, Role, User
from mentor.cli import render
from mentor.cli.options import Db, Json, workspace
from mentor.errors import InputError

app = typer.Typer(help="Users, roles and API tokens.", no_args_is_help=True)
tokens = typer.Typer(help="API tokens for scripts, the SDK and CI.", no_args_is_help=True)
app.add_typer(tokens, name="token")

Name = Annotated[
    str, typer.Argument(metavar="NAME", help="The user name (lowercase letters, digits, . _ -).")
]
PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from the first line of standard input instead of prompting.",
    ),
]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InputError("standard input held no password", where="--password-stdin")
        return password
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


def _when(user: User) -> str:
    return f"{user.created_at:%Y-%m-%d %H:%M}"


def _users(users: list[User]) -> None:
    render.table(
        "Users",
        ["name", "role", "state", "added", "by"],
        [
            [u.name, u.role.value, "disabled" if u.disabled else "active", _when(u), u.created_by]
            for u in users
        ],
    )


def _done(user: User, json: bool, what: str) -> None:
    if json:
        render.emit_json(user)
    else:
        render.success(what)


@app.command("add")
def add(
    name: Name,
    role: Annotated[Role, typer.Option("--role", help="What the user may do.")],
    password_stdin: PasswordStdin = False,
    db: Db = None,
    json: Json = False,
) -> None:
    """Add a user who signs in to the web app with a password (prompted twice)."""
    user = workspace(db).accounts.add_user(name, role, _password(password_stdin))
    _done(user, json, f"added {user.name} ({user.role.value})")


@app.command("list")
def list_(db: Db = None, json: Json = False) -> None:
    """List the users with their roles."""
    users = workspace(db).accounts.users()
    if json:
        render.emit_json(users)
    elif users:
        _users(users)
    else:
        render.line("No users yet: add one with `mentor users add NAME --role admin`.")


@app.command("role")
def role(
    name: Name,
    new_role: Annotated[Role, typer.Argument(metavar="ROLE", help="The new role.")],
    db: Db = None,
    json: Json = False,
) -> None:
    """Give a user another role (it applies to their next request)."""
    user = workspace(db).accounts.set_role(name, new_role)
    _done(user, json, f"{user.name} is now {user.role.value}")


@app.command("password")
def password(
    name: Name,
    password_stdin: PasswordStdin = False,
    revoke_tokens: Annotated[
        bool,
        typer.Option(
            "--revoke-tokens", help="Also revoke the user's API tokens (they keep working without)."
        ),
    ] = False,
    db: Db = None,
) -> None:
    """Set a new password for a user; their browser sessions end."""
    change = workspace(db).accounts.set_password(
        name, _password(password_stdin), revoke_tokens=revoke_tokens
    )
    revoked = len(change.tokens_revoked)
    tokens_now = (
        f"{revoked} API token{'' if revoked == 1 else 's'} revoked"
        if revoke_tokens
        else "API tokens keep working (--revoke-tokens revokes them)"
    )
    render.success(
        f"new password set for {change.user.name}; {change.sessions_ended} session"
        f"{'' if change.sessions_ended == 1 else 's'} ended; {tokens_now}"
    )


@app.command("disable")
def disable(name: Name, db: Db = None, json: Json = False) -> None:
    """Stop a user from signing in or using API tokens (their work stays)."""
    user = workspace(db).accounts.disable(name)
    _done(user, json, f"{user.name} is disabled")


@app.command("enable")
def enable(name: Name, db: Db = None, json: Json = False) -> None:
    """Let a disabled user sign in again."""
    user = workspace(db).accounts.enable(name)
    _done(user, json, f"{user.name} is enabled")


def _token_rows(items: list[ApiToken]) -> list[list[object]]:
    return [
        [
            t.id,
            t.user,
            t.label or "—",
            f"{t.prefix}…",
            f"{t.created_at:%Y-%m-%d %H:%M}",
            f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never",
            f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active",
        ]
        for t in items
    ]


@tokens.command("create")
def token_create(
    name: Name,
    label: Annotated[
        str, typer.Option("--label", help="What the token is for, e.g. 'CI' or 'laptop SDK'.")
    ] = "",
    db: Db = None,
    json: Json = False,
) -> None:
    """Make an API token for a user and print it (this once: only its hash is kept)."""
    new = workspace(db).accounts.create_token(name, label)
    if json:
        render.emit_json(new)
        return
    render.success(f"token {new.info.id} for {new.info.user}; copy it now, it is not shown again:")
    render.line(new.token)


@tokens.command("list")
def token_list(
    user: Annotated[str | None, typer.Option("--user", help="Only this user's tokens.")] = None,
    db: Db = None,
    json: Json = False,
) -> None:
    """List API tokens (never the tokens themselves: their first characters)."""
    items = workspace(db).accounts.tokens(user)
    if json:
        render.emit_json(items)
        return
    render.table(
        "API tokens",
        ["#", "user", "label", "starts with", "created", "last used", "state"],
        _token_rows(items),
    )


@tokens.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(metavar="ID", help="The token's id (# in the list).")],
    db: Db = None,
    json: Json = False,
) -> None:
    """Revoke an API token: requests carrying it are refused from now on."""
    info = workspace(db).accounts.revoke_token(token_id)
    if json:
        render.emit_json(info)
    else:
        render.success(f"token {info.id} of {info.user} is revoked")
