"""A brake on guessing passwords: after a few failed sign-ins a name must wait a while."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Final

from mentor.errors import MentorError

MAX_FAILURES: Final = 5
WINDOW_S: Final = 15 * 60
MAX_NAMES: Final = 10_000


class SignInError(MentorError):
    """Signing in failed; the message never says whether the name or the password was wrong."""

    exit_code = 6


class TooManyAttempts(SignInError):
    """Sign-ins for a name are paused after too many failures."""


class LoginThrottle:
    """Counts failed sign-ins per user name (known or not) in one process."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, name: str, moment: float) -> deque[float]:
        times = self._failures.setdefault(name, deque())
        while times and times[0] <= moment - WINDOW_S:
            times.popleft()
        return times

    def check(self, name: str) -> None:
        """Refuse at once while `name` has had too many failures lately."""
        with self._lock:
            moment = self._clock()
            times = self._recent(name, moment)
            if len(times) >= MAX_FAILURES:
                wait = max(1, round((times[0] + WINDOW_S - moment) / 60))
                raise TooManyAttempts(
                    f"too many failed sign-ins for this user name; try again in {wait} minute"
                    + ("s" if wait != 1 else "")
                )

    def failed(self, name: str) -> None:
        """Count one failed sign-in for `name`."""
        with self._lock:
            if len(self._failures) >= MAX_NAMES:
                self._failures.clear()  # bounded memory beats perfect memory here
            self._recent(name, self._clock()).append(self._clock())

    def succeeded(self, name: str) -> None:
        """Forget the failures of `name` after a good sign-in."""
        with self._lock:
            self._failures.pop(name, None)
