"""The meeting page's blocks of votes: the open motion with its vote buttons during the meeting, and the results
with the minutes. The page's view does not know the votes; the blocks read them here."""

from django import template

from ..views.votes import panel_context

register = template.Library()


@register.inclusion_tag("meetings/votes/meeting_block.html", takes_context=True)
def votes_during(context, meeting, where: str):
    """The open motion and its buttons; the meeting's page does not refresh it (the votes page does). The page places
    it twice: `where="open"` shows it (above the roll, first on a phone) while a vote is open, `where="idle"` (after
    the speakers) otherwise."""
    kept = context.render_context  # both places of one page read the votes once
    if "meeting_votes" not in kept:
        kept["meeting_votes"] = panel_context(context["request"].user, meeting) | {"poll": False,
                                                                                    "on_meeting_page": True}
    panel = kept["meeting_votes"]
    return panel | {"show": bool(panel["open_motions"]) == (where == "open")}


@register.inclusion_tag("meetings/votes/results.html", takes_context=True)
def vote_results(context, meeting):
    return {"results": panel_context(context["request"].user, meeting)["results"]}
