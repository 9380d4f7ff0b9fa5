"""Guessing passwords gets slow: a name pauses after a few failures."""

from __future__ import annotations

import pytest

import mentor
from mentor.accounts import SignInError
from mentor.accounts.throttle import MAX_FAILURES, WINDOW_S, LoginThrottle, TooManyAttempts


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_name_pauses_after_too_many_failures_and_resumes_later() -> None:
    clock = Clock()
    throttle = LoginThrottle(clock)
    for _ in range(MAX_FAILURES):
        throttle.check("ana")
        throttle.failed("ana")
    with pytest.raises(TooManyAttempts, match="try again in 15 minutes"):
        throttle.check("ana")
    throttle.check("ben")  # other names are not affected
    clock.now += WINDOW_S + 1
    throttle.check("ana")


def test_a_good_sign_in_clears_the_count() -> None:
    throttle = LoginThrottle(Clock())
    for _ in range(MAX_FAILURES - 1):
        throttle.failed("ana")
    throttle.succeeded("ana")
    throttle.failed("ana")
    throttle.check("ana")


def test_the_workspace_refuses_even_the_right_password_while_paused(
    sqlite_ws: mentor.Workspace,
) -> None:
    sqlite_ws.accounts.add_user("ana", "annotator", "the right one")
    for _ in range(MAX_FAILURES):
        with pytest.raises(SignInError, match="wrong user name or password"):
            sqlite_ws.accounts.login("ana", "a guess")
    with pytest.raises(TooManyAttempts):
        sqlite_ws.accounts.login("ana", "the right one")
