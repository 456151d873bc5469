"""`{% item_source item %}`: where a register item was read from, for its page in the register.

The register's templates ask this app (the arrow points from ingest to the register, not back): the
passage is a link only for someone who may see the document; an owner who sees the item but not the
document is told its file and page without a link that would answer 404.
"""

from __future__ import annotations

from typing import Any

from django import template

from oversight.ingest.access import can_view_document
from oversight.ingest.models import Proposal

register = template.Library()


@register.inclusion_tag("ingest/_item_source.html", takes_context=True)
def item_source(context: dict[str, Any], item: Any) -> dict[str, Any]:
    source = Proposal.objects.filter(item=item).select_related("document").first()
    user = context["request"].user
    return {"source": source, "linked": source is not None and can_view_document(user, source.document)}
