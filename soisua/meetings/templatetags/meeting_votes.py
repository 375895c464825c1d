"""The meeting page's blocks of votes: the open motion with its vote buttons during the meeting, and the results
with the minutes. The page's view does not know the votes; the blocks read them here."""

from django import template

from ..views.votes import panel_context

register = template.Library()


@register.inclusion_tag("meetings/votes/meeting_block.html", takes_context=True)
def votes_during(context, meeting):
    """The open motion and its buttons; the meeting's page does not refresh it (the votes page does)."""
    return panel_context(context["request"].user, meeting) | {"poll": False}


@register.inclusion_tag("meetings/votes/results.html", takes_context=True)
def vote_results(context, meeting):
    return {"results": panel_context(context["request"].user, meeting)["results"]}
