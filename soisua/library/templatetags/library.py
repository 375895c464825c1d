"""What the meeting's page shows of the library, without the meetings app knowing it: the documents a thematic
session studied, and for the cell's leadership the form to link one (library policy decides)."""

from django import template

from .. import policy, queries
from ..forms import LinkForm

register = template.Library()


@register.inclusion_tag("library/session_documents_card.html", takes_context=True)
def library_session_documents(context, meeting):
    user = context["request"].user
    linked = queries.documents_of_meeting(meeting)
    can_link = policy.can_link_documents(user, meeting)
    if not linked and not can_link:
        return {"shown": False}
    form = None
    if can_link:
        documents = queries.documents_for_cell(meeting.unit).exclude(pk__in=[link.document_id for link in linked])
        form = LinkForm(documents=documents, auto_id="library_%s")
    return {"shown": True, "meeting": meeting, "linked": linked, "can_link": can_link, "form": form}
