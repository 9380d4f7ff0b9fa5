"""Guessing passwords gets slow for the guesser, and never locks the person guessed at out."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

import mentor
from mentor.accounts import SignInError
from mentor.accounts import throttle as brake
from mentor.accounts.throttle import PER_ADDRESS, PER_NAME, TooManyAttempts, client_key, pause
from mentor.store import now, write_transaction
from mentor.store.account_tables import sign_in_failures

PASSWORD = "cleo's own password"
ATTACKER = "203.0.113.66"
CLEO_AT_HOME = "198.51.100.7"


def _guess(ws: mentor.Workspace, name: str, client: str, times: int) -> None:
    for _ in range(times):
        with pytest.raises(SignInError, match="wrong user name or password"):
            ws.accounts.login(name, "a guess", client=client)


def _fail(ws: mentor.Workspace, client: str, name: str, moment: datetime, times: int = 1) -> None:
    """Count failures straight in the store (no password hashing: fast)."""
    with write_transaction(ws.engine) as conn:
        for _ in range(times):
            brake.failed(conn, client, name, moment)


def _check(ws: mentor.Workspace, client: str, name: str, moment: datetime) -> None:
    with ws.engine.connect() as conn:
        brake.check(conn, client, name, moment)


def _rows(ws: mentor.Workspace) -> dict[tuple[str, str], int]:
    t = sign_in_failures
    with ws.engine.connect() as conn:
        return {(r.client, r.name): r.failures for r in conn.execute(select(t))}


def test_an_attacker_is_paused_while_cleo_signs_in_from_elsewhere(ws: mentor.Workspace) -> None:
    ws.accounts.add_user("cleo", "annotator", PASSWORD)
    _guess(ws, "cleo", ATTACKER, PER_NAME.pause_after)
    with pytest.raises(TooManyAttempts, match=r"for this user name .* try again in 1 minute$"):
        ws.accounts.login("cleo", PASSWORD, client=ATTACKER)  # even the right password
    assert ws.accounts.login("cleo", PASSWORD, client=CLEO_AT_HOME).user.name == "cleo"
    with pytest.raises(TooManyAttempts):  # her sign-in does not free the attacker
        ws.accounts.login("cleo", PASSWORD, client=ATTACKER)
    assert ws.accounts.login("cleo", PASSWORD).user.name == "cleo"  # the SDK: "local"


def test_the_pause_doubles_with_each_failure_up_to_an_hour() -> None:
    minutes = [pause(n, PER_NAME) / timedelta(minutes=1) for n in range(3, 13)]
    assert minutes == [0, 0, 1, 2, 4, 8, 16, 32, 60, 60]
    assert pause(10**6, PER_NAME) == timedelta(hours=1)
    assert pause(PER_ADDRESS.pause_after - 1, PER_ADDRESS) == timedelta(0)


def test_a_paused_guesser_waits_longer_after_each_new_failure(ws: mentor.Workspace) -> None:
    start = now()
    _fail(ws, ATTACKER, "cleo", start, PER_NAME.pause_after)
    with pytest.raises(TooManyAttempts, match=r"try again in 1 minute$"):
        _check(ws, ATTACKER, "cleo", start + timedelta(seconds=30))
    later = start + timedelta(minutes=1, seconds=1)
    _check(ws, ATTACKER, "cleo", later)  # the minute is over: one more guess
    _fail(ws, ATTACKER, "cleo", later)
    with pytest.raises(TooManyAttempts, match=r"try again in 2 minutes$"):
        _check(ws, ATTACKER, "cleo", later)
    later += timedelta(minutes=2, seconds=1)
    _fail(ws, ATTACKER, "cleo", later)
    with pytest.raises(TooManyAttempts, match=r"try again in 4 minutes$"):
        _check(ws, ATTACKER, "cleo", later)
    _check(ws, CLEO_AT_HOME, "cleo", later)


def test_an_address_guessing_many_names_is_paused_for_all_of_them(ws: mentor.Workspace) -> None:
    moment = now()
    for i in range(PER_ADDRESS.pause_after):
        _check(ws, ATTACKER, f"user{i}", moment)
        _fail(ws, ATTACKER, f"user{i}", moment)
    with pytest.raises(TooManyAttempts, match=r"from your address; try again in 1 minute$"):
        _check(ws, ATTACKER, "someone-new", moment)
    with pytest.raises(TooManyAttempts):  # names no user can have count against it too
        _check(ws, ATTACKER, "NOT A NAME!", moment)
    _check(ws, CLEO_AT_HOME, "user1", moment)


def test_ten_thousand_junk_names_do_not_free_a_paused_guesser(
    sqlite_ws: mentor.Workspace,
) -> None:
    # Nothing here depends on the backend, and 20,000 upserts take a while on PostgreSQL.
    ws, moment = sqlite_ws, now()
    _fail(ws, ATTACKER, "cleo", moment, PER_NAME.pause_after)
    with write_transaction(ws.engine) as conn:
        for i in range(10_001):
            brake.failed(conn, f"10.0.{i % 40}.1", f"junk{i}", moment)
    with write_transaction(ws.engine) as conn:
        assert brake.purge(conn, moment) == 0  # nothing is old enough to forget
    with pytest.raises(TooManyAttempts):
        _check(ws, ATTACKER, "cleo", moment)
    assert len(_rows(ws)) == 2 + 10_001 + 40  # the pair, the attacker, the junk and its addresses


def test_old_rows_are_forgotten_in_batches_and_live_ones_kept(ws: mentor.Workspace) -> None:
    moment = now()
    _fail(ws, ATTACKER, "cleo", moment, PER_NAME.pause_after)
    with write_transaction(ws.engine) as conn:
        for i in range(brake.PURGE_BATCH + 10):
            brake.failed(conn, f"10.1.{i // 250}.{i % 250}", "", moment - timedelta(days=2))
    with write_transaction(ws.engine) as conn:
        assert brake.purge(conn, moment) == brake.PURGE_BATCH
        assert brake.purge(conn, moment) == 10
    assert _rows(ws) == {(ATTACKER, ""): 5, (ATTACKER, "cleo"): 5}


def test_a_count_starts_over_when_its_window_has_passed(ws: mentor.Workspace) -> None:
    start = now()
    _fail(ws, ATTACKER, "cleo", start, PER_NAME.pause_after + 3)
    next_day = start + PER_NAME.window + timedelta(seconds=1)
    _check(ws, ATTACKER, "cleo", next_day)
    _fail(ws, ATTACKER, "cleo", next_day)
    assert _rows(ws)[(ATTACKER, "cleo")] == 1
    _check(ws, ATTACKER, "cleo", next_day)


def test_names_count_as_sign_in_reads_them(ws: mentor.Workspace) -> None:
    ws.accounts.add_user("cleo", "annotator", PASSWORD)
    for typed in ("CLEO ", " Cleo", "cleo", "cLeO", "cleo\t"):
        _guess(ws, typed, ATTACKER, 1)
    with pytest.raises(TooManyAttempts, match="for this user name"):
        ws.accounts.login("cleo", PASSWORD, client=ATTACKER)
    assert _rows(ws)[(ATTACKER, "cleo")] == 5
    assert ws.accounts.login(" CLEO ", PASSWORD, client=CLEO_AT_HOME).user.name == "cleo"


def test_a_good_sign_in_clears_the_names_count_but_not_the_addresses(
    ws: mentor.Workspace,
) -> None:
    ws.accounts.add_user("cleo", "annotator", PASSWORD)
    _guess(ws, "cleo", CLEO_AT_HOME, PER_NAME.pause_after - 1)
    ws.accounts.login("cleo", PASSWORD, client=CLEO_AT_HOME)
    assert _rows(ws) == {(CLEO_AT_HOME, ""): 4}
    _guess(ws, "cleo", CLEO_AT_HOME, PER_NAME.pause_after - 1)  # four more typos are fine


def test_the_count_survives_a_restart_and_is_shared_by_workers(db_url: str, tmp_path: Path) -> None:
    first = mentor.connect(db_url, home=tmp_path / "a")
    second = mentor.connect(db_url, home=tmp_path / "b")  # another worker: its own engine
    first.accounts.add_user("cleo", "annotator", PASSWORD)
    _guess(first, "cleo", ATTACKER, 3)
    _guess(second, "cleo", ATTACKER, 2)
    with pytest.raises(TooManyAttempts):
        first.accounts.login("cleo", PASSWORD, client=ATTACKER)
    first.close()
    second.close()
    with mentor.connect(db_url, home=tmp_path / "c") as restarted:
        with pytest.raises(TooManyAttempts):
            restarted.accounts.login("cleo", PASSWORD, client=ATTACKER)
        assert restarted.accounts.login("cleo", PASSWORD, client=CLEO_AT_HOME)


def test_failures_counted_at_once_by_two_workers_all_count(db_url: str, tmp_path: Path) -> None:
    workers = [mentor.connect(db_url, home=tmp_path / n) for n in ("a", "b")]
    workers[0].accounts.users()  # migrate once, before the race
    moment, each = now(), 40
    barrier = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def hammer(worker: mentor.Workspace) -> None:
        try:
            barrier.wait()
            for _ in range(each):
                _fail(worker, ATTACKER, "cleo", moment)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert _rows(workers[0]) == {(ATTACKER, ""): 2 * each, (ATTACKER, "cleo"): 2 * each}
    for worker in workers:
        worker.close()


def test_guesses_sent_all_at_once_are_held_to_the_same_limit(db_url: str, tmp_path: Path) -> None:
    workers = [mentor.connect(db_url, home=tmp_path / n) for n in ("a", "b")]
    workers[0].accounts.add_user("cleo", "annotator", PASSWORD)
    guesses = [("a guess", workers[i % 2]) for i in range(24)]
    barrier = threading.Barrier(len(guesses))
    outcomes: list[str] = []

    def guess(password: str, worker: mentor.Workspace) -> None:
        barrier.wait()
        try:
            worker.accounts.login("cleo", password, client=ATTACKER)
            outcomes.append("signed in")
        except TooManyAttempts:
            outcomes.append("paused")
        except SignInError:
            outcomes.append("wrong")
        except Exception as exc:  # any other failure is the bug this shows
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=guess, args=g) for g in guesses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Only as many passwords were tried as one guess after another gets: five, then a pause.
    assert outcomes.count("wrong") == PER_NAME.pause_after, sorted(outcomes)
    assert outcomes.count("paused") == len(guesses) - PER_NAME.pause_after
    with pytest.raises(TooManyAttempts):  # and the right password, sent next, waits too
        workers[0].accounts.login("cleo", PASSWORD, client=ATTACKER)
    for worker in workers:
        worker.close()


def test_a_good_sign_in_leaves_no_count_behind(ws: mentor.Workspace) -> None:
    ws.accounts.add_user("cleo", "annotator", PASSWORD)
    for _ in range(PER_ADDRESS.pause_after + 5):  # an office signing in all day is never paused
        ws.accounts.login("cleo", PASSWORD, client=CLEO_AT_HOME)
    assert _rows(ws) == {}


def test_ipv6_clients_are_counted_by_their_64_bit_prefix() -> None:
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::9")
    assert client_key("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("::ffff:203.0.113.66") == ATTACKER
    assert client_key(ATTACKER) == ATTACKER and client_key("") == "unknown"


def test_names_and_addresses_no_one_can_have_are_refused_not_stored(
    ws: mentor.Workspace,
) -> None:
    for name in ("x" * 500, "Robert'); DROP TABLE users;--", "cle\x00o"):
        _guess(ws, name, ATTACKER, 1)
    assert _rows(ws) == {(ATTACKER, ""): 3}
    _guess(ws, "cleo", "proxy\x00junk" * 20, 1)  # PostgreSQL text cannot hold NUL
    assert _rows(ws)[("proxyjunk" * 7 + "p", "cleo")] == 1
