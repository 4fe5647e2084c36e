"""Sign-in throttles shared by the API's and the console's login (issue 16, holes 2):

- failed attempts per (account, client address): a guesser is stopped where they are, while the owner
  signing in from elsewhere is not;
- a higher ceiling of failed attempts per account from all addresses together, against guessing from many;
- attempts per client address, whatever the account.

Accounts are keyed on the normalised identity (app.api.login_identity) and the counters are shared by every
door (scope), so neither respelling a phone nor switching from the API to the console buys more guesses.
"""
from flask import current_app

from ..api import account_address_key, account_key
from ..extensions import limiter


def _failed(response):
    return response.status_code in (401, 403)


def login_limits(field, source="json"):
    """Decorator for a sign-in view reading the account from `field` of the JSON body or the form."""
    per_pair = limiter.shared_limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT_AND_IP"],
                                    scope="login-account-ip", key_func=account_address_key(field, source),
                                    methods=["POST"], deduct_when=_failed)
    per_account = limiter.shared_limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], scope="login-account",
                                       key_func=account_key(field, source), methods=["POST"], deduct_when=_failed)
    per_ip = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"])
    return lambda view: per_ip(per_account(per_pair(view)))
