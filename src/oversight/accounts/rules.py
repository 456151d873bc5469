"""The numbers of sign-in, the second factor and sessions, each with its source.

Settings override the limits (see README "Configuration"); the defaults and their reasons live here.
"""

from __future__ import annotations

import datetime as dt

# OWASP ASVS 4.0.3 V3.7.1: a sensitive transaction (break-glass, an independence override, a
# sign-off, a factor reset) needs re-authentication or secondary verification. The 15 minutes is
# NIST SP 800-63B section 4.3.3 (AAL3: re-authenticate after at most 15 minutes of inactivity),
# applied here to the age of the second factor itself.
REVERIFY_AFTER = dt.timedelta(minutes=15)

# NIST SP 800-63B section 5.1.2.1 (look-up secrets, 64 bits or more when they are the only check):
# ten codes of 80 random bits each, shown once and stored as their SHA-256.
RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_BYTES = 10

# ASVS 4.0.3 V2.2.1 (anti-automation) and NIST SP 800-63B section 5.2.2 (at most 100 consecutive
# failures per account): failures per address across all accounts within a window, so that one
# address cannot try one password on many accounts (which the per-account lock-out does not see).
SIGN_IN_FAILURES_PER_ADDRESS = 20
SIGN_IN_ADDRESS_WINDOW = dt.timedelta(minutes=15)

# Wrong second-factor codes per account within the lock-out window (LOGIN_LOCKOUT_MINUTES): six-digit
# codes, so five guesses in a window leave an attacker a one-in-200,000 chance.
SECOND_FACTOR_FAILURE_LIMIT = 5

# API tokens (ASVS 4.0.3 V11.1.4, anti-automation on business functions): requests per minute per
# account and per address, and failed tokens per address within the window.
API_REQUESTS_PER_ACCOUNT = 600
API_REQUESTS_PER_ADDRESS = 1200
API_WINDOW = dt.timedelta(minutes=1)
API_BAD_TOKENS_PER_ADDRESS = 20
API_BAD_TOKEN_WINDOW = dt.timedelta(minutes=15)

# ASVS 4.0.3 V3.5.2 (a token can be revoked and expires) and NCSC's API guidance (short-lived
# credentials): a token lives 90 days unless its holder chooses, and never more than a year.
TOKEN_MAX_LIFETIME = dt.timedelta(days=365)
TOKEN_DEFAULT_LIFETIME = dt.timedelta(days=90)
