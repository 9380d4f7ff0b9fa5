"""Users, roles, password hashes, login sessions and API tokens."""

from mentor.accounts.passwords import PasswordChange
from mentor.accounts.roles import Permission, Role, allowed
from mentor.accounts.service import Accounts
from mentor.accounts.sessions import LoginSession, csrf_token
from mentor.accounts.throttle import SignInError
from mentor.accounts.tokens import ApiToken, NewToken
from mentor.accounts.users import User

__all__ = [
    "Accounts",
    "ApiToken",
    "LoginSession",
    "NewToken",
    "PasswordChange",
    "Permission",
    "Role",
    "SignInError",
    "User",
    "allowed",
    "csrf_token",
]
