"""Row ids: the numbers that can name a row of a workspace.

Ids are 64-bit signed integers (SQLite's INTEGER); a larger number cannot even be asked about
(the database driver refuses it), so a reference past the range names nothing.
"""

from __future__ import annotations

from typing import Final

LARGEST_ID: Final = 2**63 - 1
"""The largest id a workspace can hold."""


def is_row_id(number: int) -> bool:
    """Whether `number` is an id some row could have (1 to :data:`LARGEST_ID`)."""
    return 1 <= number <= LARGEST_ID
