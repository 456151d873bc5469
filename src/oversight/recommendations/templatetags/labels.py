"""`in_sentence`: a choice's label inside a sentence, its acronyms kept (oversight.lib.labels)."""

from __future__ import annotations

from django import template

from oversight.lib.labels import in_sentence as _in_sentence

register = template.Library()


@register.filter
def in_sentence(label: object) -> str:
    return _in_sentence(str(label))
