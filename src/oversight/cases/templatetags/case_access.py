"""Template filters that ask cases/access.py whether to show a link, so no page shows a dead end."""

from django import template

from oversight.cases import access
from oversight.cases.models import Case
from oversight.organisations.access import AnyUser

register = template.Library()


@register.filter
def sees_safeguards(user: AnyUser, case: Case) -> bool:
    return access.can_see_safeguards(user, case)
