"""A brake on guessing passwords that slows the guesser down, never the person guessed at.

Failed sign-ins are counted in the database, so every server worker sees the same counts and a
restart forgets nothing. They are counted per client address (over all names) and per client
address and user name. After a few failures a key must wait a minute after its last failure,
twice as long after each further failure, an hour at most. Someone hammering ``cleo`` from one
address slows only that address: ``cleo`` signing in from another one is never refused.

A count starts over once its window has passed since its first failure, and rows older than the
longest window are deleted, so the table stays small without ever being emptied (emptying it
would free the paused); an address adds at most a few dozen rows an hour, being paused itself.

The client address is what the web server reports (``request.client.host``). Behind a reverse
proxy that is the proxy's address unless ``mentor serve`` is started with ``--proxy-headers`` and
``--forwarded-allow-ips`` naming the proxy, which then takes it from ``X-Forwarded-For``.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy import Connection, case, delete, literal, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite

from mentor.accounts.users import NAME
from mentor.errors import MentorError
from mentor.store import aware
from mentor.store.account_tables import sign_in_failures

LOCAL: Final = "local"
"""The client address of sign-ins made through the SDK or the command line."""
ANY_NAME: Final = ""
"""The name under which an address's failures over all names are counted (no user has it)."""
FIRST_PAUSE: Final = timedelta(minutes=1)
LONGEST_PAUSE: Final = timedelta(hours=1)
PURGE_BATCH: Final = 1000


@dataclass(frozen=True)
class Limit:
    """After how many failures a key pauses, and how long after its first failure it starts over."""

    pause_after: int
    window: timedelta


PER_NAME: Final = Limit(pause_after=5, window=timedelta(hours=24))
# Higher than per name: the people behind one office address mistype too.
PER_ADDRESS: Final = Limit(pause_after=30, window=timedelta(hours=1))
FORGET_AFTER: Final = max(PER_NAME.window, PER_ADDRESS.window)


class SignInError(MentorError):
    """Signing in failed; the message never says whether the name or the password was wrong."""

    exit_code = 6


class TooManyAttempts(SignInError):
    """Sign-ins from this client address (for this name) are paused after too many failures."""


def pause(failures: int, limit: Limit) -> timedelta:
    """How long a key must wait after its last failure, having failed `failures` times."""
    if failures < limit.pause_after:
        return timedelta(0)
    doublings = min(failures - limit.pause_after, 16)
    return min(LONGEST_PAUSE, FIRST_PAUSE * (1 << doublings))


def client_key(host: str | None) -> str:
    """What failures from `host` are counted under: an IPv6 address stands for its /64 (one
    machine is usually given a whole /64), an IPv4-mapped one for the IPv4 address."""
    if not host:
        return "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:  # "local", a socket path, a proxy's odd header: kept, made storable
        return "".join(c for c in host if c.isprintable())[:64] or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return f"{ipaddress.IPv6Address(int(address) >> 64 << 64)}/64"
    return str(address)


def _keys(client: str, name: str) -> list[tuple[str, str]]:
    """The rows a sign-in as `name` from `client` is counted in; a name no user can have
    (malformed) is counted only against the address."""
    address = client_key(client)
    if NAME.fullmatch(name):
        return [(address, ANY_NAME), (address, name)]
    return [(address, ANY_NAME)]


def _limit(name: str) -> Limit:
    return PER_ADDRESS if name == ANY_NAME else PER_NAME


def _minutes(wait: timedelta) -> str:
    count = max(1, -(-int(wait.total_seconds()) // 60))
    return f"{count} minute" + ("" if count == 1 else "s")


def check(conn: Connection, client: str, name: str, moment: datetime) -> None:
    """Refuse at once (:class:`TooManyAttempts`) while `client`, or `client` with `name`, must
    wait after failed sign-ins."""
    t = sign_in_failures
    keys = _keys(client, name)
    query = select(t).where(t.c.client == keys[0][0], t.c.name.in_([k[1] for k in keys]))
    waits = {}
    for row in conn.execute(query):
        limit = _limit(row.name)
        paused = pause(row.failures, limit)
        # (With no pause due, a failure stamped a moment later by a concurrent attempt that
        # took the lock first must not count as a wait.)
        if paused and aware(row.first_failed_at) > moment - limit.window:
            waits[row.name] = aware(row.last_failed_at) + paused - moment
    worst = max(waits, key=lambda k: waits[k], default=None)
    if worst is None or waits[worst] <= timedelta(0):
        return
    whose = "from your address" if worst == ANY_NAME else "for this user name from your address"
    raise TooManyAttempts(
        f"too many failed sign-ins {whose}; try again in {_minutes(waits[worst])}"
    )


def reserve(conn: Connection, client: str, name: str, moment: datetime) -> None:
    """Count a sign-in as `name` from `client` as failed before its password is checked, unless
    :func:`check` refuses it; :func:`succeeded` takes the count back when the password is right.

    Counting first is what makes the limit hold for attempts sent all at once: the rows are
    locked before they are read (an upsert that changes nothing), so concurrent attempts on
    the same keys take turns, and each one sees the ones before it (else forty guesses sent
    together would all pass a check that reads five). Call it inside a write transaction.
    """
    t = sign_in_failures
    dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
    for address, key in _keys(client, name):
        insert = dialect.insert(t).values(
            client=address, name=key, failures=0, first_failed_at=moment, last_failed_at=moment
        )
        conn.execute(
            insert.on_conflict_do_update(
                index_elements=[t.c.client, t.c.name], set_={"failures": t.c.failures}
            )
        )
    check(conn, client, name, moment)
    failed(conn, client, name, moment)


def failed(conn: Connection, client: str, name: str, moment: datetime) -> None:
    """Count one failed sign-in as `name` from `client`.

    One statement per row (an upsert: failures = failures + 1), so failures that workers count
    at the same moment all count, on SQLite and on PostgreSQL. The address row comes first, so
    two transactions never wait on each other's rows in opposite orders.
    """
    t = sign_in_failures
    dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
    for address, key in _keys(client, name):
        over = t.c.first_failed_at <= moment - _limit(key).window
        insert = dialect.insert(t).values(
            client=address, name=key, failures=1, first_failed_at=moment, last_failed_at=moment
        )
        conn.execute(
            insert.on_conflict_do_update(
                index_elements=[t.c.client, t.c.name],
                set_={
                    "failures": case((over, 1), else_=t.c.failures + 1),
                    "first_failed_at": case(
                        (over, literal(moment, t.c.first_failed_at.type)),
                        else_=t.c.first_failed_at,
                    ),
                    "last_failed_at": moment,
                },
            )
        )


def succeeded(conn: Connection, client: str, name: str) -> None:
    """Forget the failures of `name` from `client` after a good sign-in, and take back the one
    :func:`reserve` counted for the address; the address's earlier failures stay (else guessing
    other names between sign-ins to one's own account would be free)."""
    t = sign_in_failures
    address = client_key(client)
    conn.execute(delete(t).where(t.c.client == address, t.c.name == name))
    mine = (t.c.client == address) & (t.c.name == ANY_NAME)
    conn.execute(update(t).where(mine, t.c.failures > 0).values(failures=t.c.failures - 1))
    conn.execute(delete(t).where(mine, t.c.failures == 0))


def purge(conn: Connection, moment: datetime) -> int:
    """Delete up to PURGE_BATCH rows whose count has run out; the number deleted.

    Rows another transaction holds are skipped (PostgreSQL's SKIP LOCKED), so a purge never
    waits, and never deadlocks with the sign-ins counting at the same time.
    """
    t = sign_in_failures
    old = (
        select(t.c.client, t.c.name)
        .where(t.c.first_failed_at <= moment - FORGET_AFTER)
        .limit(PURGE_BATCH)
        .with_for_update(skip_locked=True)
    )
    return conn.execute(delete(t).where(tuple_(t.c.client, t.c.name).in_(old))).rowcount
