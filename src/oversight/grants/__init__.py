"""Granting roles that open cases, under the two-person rule.

One person asks for a guarded role (a PSD lead, case handler, investigator, single point of contact
or administrator) for someone else; a second person approves or refuses it; either step, and
every revocation, alerts the PSD leads of the force concerned and stays in the trail. The role
counts only once approved, and only for a login linked to its holder's workforce register entry.

Why an app of its own: a grant needs the organisations (the membership it writes), the audit app
(the alert) and the workforce register (the entry the login is linked to). `organisations` may not
import `workforce` or `audit` (`lib <- organisations <- audit`, `organisations <- workforce <- cases`),
and `workforce` does not depend on `audit`; so the grants sit above all three and nothing imports
them but the URLs and the demo. `organisations.access` keeps the counting rule every other app reads.
"""
