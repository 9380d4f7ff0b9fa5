"""Users, roles, password hashes, login sessions and API tokens."""

from mentor.accounts.service import Accounts

__all__ = ["Accounts"]
