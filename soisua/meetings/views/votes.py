"""Votes in a meeting: the page with the open motion, its vote buttons for the members present and the results
read into the minutes; opening, voting on and closing a motion (docs/domain.md, "Votes in meetings").

Whoever reads the cell sees the page (`policy.get_meeting_for_votes`); the cell's leadership, the chair and the
minute-taker open and close motions; members on the roll vote, the service saying whether they may now. While a
motion is open the page refreshes its panel every few seconds (htmx; the vote is in the room, nobody is sent a
message)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from soisua.core.views import perform, save_form

from .. import policy, queries, services, voting
from ..forms import MotionForm, VoteForm

# How often the page asks for the open motion's panel again, in seconds.
POLL_SECONDS = 5


def _votes_url(meeting_pk: int) -> str:
    return reverse("meetings:votes", args=[meeting_pk]) + "#motions"


def panel_context(user, meeting) -> dict:
    """What the motions' panel shows to `user`: the motions, which of them they voted on, whether they run them."""
    line = queries.roll_line_of(meeting, user)
    motions = queries.motions_of(meeting)
    names = queries.names_by_choice(meeting)
    open_motions = [motion for motion in motions if motion.is_open]
    return {"meeting": meeting, "open_motions": open_motions,
            "results": [(motion, voting.minutes_text(motion, names.get(motion.pk)))
                        for motion in motions if not motion.is_open],
            "voted": queries.motions_voted_by(meeting, line.member_id if line else None), "on_roll": line is not None,
            "run": policy.can_run_votes(user, meeting), "poll_seconds": POLL_SECONDS,
            "poll": bool(open_motions) or queries.meeting_state(meeting) == queries.IN_PROGRESS}


@login_required
@require_http_methods(["GET", "POST"])
def votes(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting's votes; a POST opens a motion (the form comes back with what was typed when refused)."""
    meeting = policy.get_meeting_for_votes(request.user, pk, run=request.method == "POST")
    context = panel_context(request.user, meeting)
    if request.htmx:
        return render(request, "meetings/votes.html#panel", context)
    form, closed = None, _votes_closed_reason(meeting) if context["run"] else ""
    if context["run"] and not closed:
        form = MotionForm(request.POST or None, items=queries.agenda_of(meeting))
        done, _motion = save_form(request, form, lambda data: services.open_motion(
            meeting, text=data["text"], kind=data["kind"], agenda_item=data["agenda_item"], secret=data["secret"],
            by=request.user), success=_("The vote is open."))
        if done:
            return redirect(_votes_url(meeting.pk))
    return render(request, "meetings/votes.html", context | {"form": form, "closed": closed})


def _votes_closed_reason(meeting) -> str:
    """Why no vote may be opened any more (services.open_motion refuses it the same): the minutes are approved; empty
    while one may be. Before the meeting the form stays, and is refused with what was typed until it begins."""
    minutes = queries.minutes_of(meeting)
    if minutes is not None and minutes.locked:
        return _("The minutes of this meeting are approved: no vote can be taken or changed any more.")
    return ""


@login_required
@require_POST
def motion_vote(request: HttpRequest, pk: int) -> HttpResponse:
    motion = policy.get_motion_for_user(request.user, pk, vote=True)
    form = VoteForm(request.POST)
    member = queries.member_of_user(request.user)
    if form.is_valid():
        perform(request, lambda: services.cast_vote(motion, member=member, choice=form.cleaned_data["choice"],
                                                    by=request.user), success=_("Your vote is recorded."))
    else:
        messages.error(request, _("Choose for, against or abstain."))
    if request.POST.get("back") == "meeting":  # voted from the meeting's page: back to it
        return redirect(reverse("meetings:detail", args=[motion.meeting_id]) + "?step=during#votes")
    return redirect(_votes_url(motion.meeting_id))


@login_required
@require_POST
def motion_close(request: HttpRequest, pk: int) -> HttpResponse:
    motion = policy.get_motion_for_user(request.user, pk, run=True)
    perform(request, lambda: services.close_motion(motion, by=request.user),
            success=lambda closed: _("The vote is closed: passed.") if closed.passed
            else _("The vote is closed: not passed."))
    return redirect(_votes_url(motion.meeting_id))
