"""What the meeting page shows of its quality, without the meetings app knowing this one: a link to the
assessment (with its level once recorded), for regular meetings that have ended."""

from django import template

from .. import policy, queries

register = template.Library()


@register.inclusion_tag("quality/meeting_link_card.html", takes_context=True)
def quality_meeting_link(context, meeting):
    if not (queries.is_assessable(meeting) and queries.is_held(meeting)):
        return {"shown": False}
    user = context["request"].user
    return {"shown": True, "meeting": meeting, "assessment": queries.assessment_of(meeting),
            "can_assess": policy.can_assess(user, meeting)}
