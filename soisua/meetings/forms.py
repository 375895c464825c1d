import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soisua.core.forms import TimeField, TimeInput
from soisua.org.forms import DateInput

from .enums import AttendanceStatus, ContributionKind, MeetingKind, VoteChoice, VoteKind

EMPTY_CHOICE = _("— choose —")


QUARTERS = ((1, _("Quarter 1")), (2, _("Quarter 2")), (3, _("Quarter 3")), (4, _("Quarter 4")))


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=255)
    day = forms.DateField(label=_("Date"), widget=DateInput())
    starts = TimeField(label=_("Starts at"), widget=TimeInput(attrs={"placeholder": "19h30"}))
    ends = TimeField(label=_("Ends at"), widget=TimeInput(attrs={"placeholder": "21h"}))
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    chair = forms.ModelChoiceField(label=_("Chair"), queryset=None, required=False)
    minute_taker = forms.ModelChoiceField(label=_("Minute-taker"), queryset=None, required=False)
    liaison = forms.ModelChoiceField(label=_("Upper-level liaison"), queryset=None, required=False,
                                     help_text=_("The member of the committee above who follows the cell."))
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=None, required=False)
    introductory_paper = forms.CharField(label=_("Introductory paper"), required=False, max_length=20_000,
                                         widget=forms.Textarea(attrs={"rows": 4}),
                                         help_text=_("For a thematic session: the paper that opens the discussion."))
    agenda = forms.CharField(label=_("Agenda"), required=False, max_length=20_000,
                             widget=forms.Textarea(attrs={"rows": 5}), help_text=_("One item per line."))

    def __init__(self, *args, members, liaisons, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = members
        self.fields["minute_taker"].queryset = members
        self.fields["liaison"].queryset = liaisons
        self.fields["topic"].queryset = topics
        for name in ("chair", "minute_taker", "liaison", "topic"):
            self.fields[name].empty_label = EMPTY_CHOICE

    @classmethod
    def initial_for(cls, meeting) -> dict:
        start, end = timezone.localtime(meeting.starts_at), timezone.localtime(meeting.ends_at)
        return {"kind": meeting.kind, "title": meeting.title, "day": start.date(), "starts": start.time(),
                "ends": end.time(), "place": meeting.place, "chair": meeting.chair, "topic": meeting.topic,
                "minute_taker": meeting.minute_taker, "liaison": meeting.liaison,
                "introductory_paper": meeting.introductory_paper,
                "agenda": "\n".join(item.title for item in meeting.agenda.all())}

    def service_values(self) -> dict:
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        return {"kind": data["kind"], "title": data["title"], "place": data["place"], "chair": data["chair"],
                "minute_taker": data["minute_taker"], "liaison": data["liaison"], "topic": data["topic"],
                "introductory_paper": data["introductory_paper"], "agenda": data["agenda"].splitlines(),
                "starts_at": datetime.datetime.combine(data["day"], data["starts"], tzinfo=zone),
                "ends_at": datetime.datetime.combine(data["day"], data["ends"], tzinfo=zone)}


class MeetingChangeForm(MeetingForm):
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=2000,
                             help_text=_("Required once the minutes are approved."))


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(label=_("Attendance"), choices=AttendanceStatus.choices)
    minutes_late = forms.IntegerField(label=_("Minutes late"), min_value=0, max_value=600, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
    change_reason = forms.CharField(label=_("Reason for the change"), max_length=2000, required=False)


class ContributionForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Speaker"), queryset=None,
                                    help_text=_("Those marked present or late on the roll (checked in or marked)."))
    agenda_item = forms.ModelChoiceField(label=_("Agenda item"), queryset=None, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=ContributionKind.choices, widget=forms.RadioSelect,
                             initial=ContributionKind.OPINION)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    change_reason = forms.CharField(label=_("Reason for the change"), max_length=2000, required=False,
                                    help_text=_("Required once the minutes are approved."))

    def __init__(self, *args, speakers, items, locked: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = speakers
        self.fields["agenda_item"].queryset = items
        self.fields["member"].empty_label = self.fields["agenda_item"].empty_label = EMPTY_CHOICE
        if not locked:  # the reason is asked only once the minutes are approved
            del self.fields["change_reason"]


def finding_line(shortcoming) -> str:
    """A shortcoming recorded at the meeting as a line of the conclusions: "- Name: text" ("- text" for the
    cell's collective one)."""
    text = " ".join(shortcoming.text.split())
    return f"- {shortcoming.member.full_name}: {text}" if shortcoming.member_id else f"- {text}"


class MinutesForm(forms.Form):
    conclusions = forms.CharField(label=_("Conclusions"), required=False, max_length=20_000,
                                  widget=forms.Textarea(attrs={"rows": 6}))
    findings = forms.MultipleChoiceField(
        label=_("Shortcomings recorded at this meeting"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Those ticked are added at the end of the conclusions, one line each, when you save."))
    resolution = forms.CharField(label=_("Resolution"), required=False, max_length=20_000,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    votes_for = forms.IntegerField(label=_("Votes for"), min_value=0, required=False)
    votes_against = forms.IntegerField(label=_("Votes against"), min_value=0, required=False)
    votes_abstain = forms.IntegerField(label=_("Abstentions"), min_value=0, required=False)
    reason = forms.CharField(label=_("Reason for the change"), required=False, max_length=2000,
                             help_text=_("Required once the minutes are approved."))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    field_order = ["findings", "conclusions"]

    def __init__(self, *args, findings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.finding_lines = {str(shortcoming.pk): finding_line(shortcoming) for shortcoming in findings}
        if self.finding_lines:
            self.fields["findings"].choices = list(self.finding_lines.items())
        else:
            del self.fields["findings"]

    def clean(self):
        """The ticked findings join the conclusions, each once (a line already there is not added again)."""
        data = super().clean()
        conclusions = data.get("conclusions") or ""
        added = [self.finding_lines[pk] for pk in data.get("findings") or ()
                 if self.finding_lines[pk] not in conclusions]
        if added and "conclusions" in data:
            data["conclusions"] = "\n".join(filter(None, [conclusions.rstrip(), *added]))
        return data


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255, required=False)
    file = forms.FileField(label=_("File"), help_text=_("PDF, picture or office document."))


class TopicForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    summary = forms.CharField(label=_("Summary"), required=False, max_length=20_000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    materials = forms.CharField(label=_("Suggested materials"), required=False, max_length=20_000,
                                widget=forms.Textarea(attrs={"rows": 3}))
    tags = forms.CharField(label=_("Tags"), required=False, max_length=1000,
                           help_text=_("Separated by commas, e.g. tự soi, tự sửa; học và làm theo Bác."))

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {"title": data["title"], "summary": data["summary"], "materials": data["materials"],
                "tags": data["tags"].replace(";", ",").split(",")}


class TopicPlanForm(forms.Form):
    topics = forms.ModelMultipleChoiceField(label=_("Recommended topics"), queryset=None, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note"), required=False, max_length=20_000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    publish = forms.BooleanField(label=_("Publish to the units below"), required=False)

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = topics


class CellPlanForm(forms.Form):
    meeting_day = forms.IntegerField(label=_("Fixed meeting day of the month"), min_value=1, max_value=28,
                                     initial=3)
    meeting_time = TimeField(label=_("Meeting time"), initial=datetime.time(19, 30),
                             widget=TimeInput(attrs={"placeholder": "19h30"}))
    place = forms.CharField(label=_("Place"), max_length=255, required=False)

    def __init__(self, *args, topics, **kwargs):
        super().__init__(*args, **kwargs)
        for quarter, label in QUARTERS:
            self.fields[f"q{quarter}"] = forms.ModelMultipleChoiceField(
                label=label, queryset=topics, required=False, widget=forms.CheckboxSelectMultiple)

    def service_values(self) -> dict:
        data = self.cleaned_data
        return {"meeting_day": data["meeting_day"], "meeting_time": data["meeting_time"], "place": data["place"],
                "topics": {quarter: list(data[f"q{quarter}"]) for quarter, _label in QUARTERS}}


class MeetingRulesForm(forms.Form):
    """A draft version of the meeting rules; the service checks the figures (services.save_meeting_rules)."""

    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=255)
    in_force_from = forms.DateField(label=_("In force from"), widget=DateInput())
    regular_min_minutes = forms.IntegerField(label=_("Minimum length of a meeting (minutes)"))
    combined_min_minutes = forms.IntegerField(
        label=_("Minimum length of a regular and thematic session together (minutes)"))
    documents_days_before = forms.IntegerField(label=_("Documents go out at least (days before)"))
    thematic_per_quarter = forms.IntegerField(label=_("Thematic sessions per quarter"))

    @classmethod
    def initial_for(cls, rules) -> dict:
        return {name: getattr(rules, name) for name in cls.base_fields}


class RuleExceptionForm(forms.Form):
    """A committee's lower minimum for small cells; the service checks it against the rules it lowers."""

    cell = forms.ModelChoiceField(label=_("For the cell"), queryset=None, required=False,
                                  help_text=_("A cell directly under the committee; or leave it empty and give the "
                                              "largest number of members below."))
    max_members = forms.IntegerField(label=_("For every cell with at most this many members"), required=False,
                                     help_text=_("Members on the roll of the meeting: official, probationary and "
                                                 "exempt."))
    decision_number = forms.CharField(label=_("Decision number"), max_length=60, required=False,
                                      widget=forms.TextInput(attrs={"placeholder": "12-QĐ/ĐU"}))
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput())
    regular_min_minutes = forms.IntegerField(label=_("Minimum length of a meeting (minutes)"))
    combined_min_minutes = forms.IntegerField(
        label=_("Minimum length of a regular and thematic session together (minutes)"))
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput(), required=False,
                                  help_text=_("Leave empty for a lower minimum without an end."))

    def __init__(self, *args, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cell"].queryset = cells
        self.fields["cell"].empty_label = EMPTY_CHOICE


class EndRuleExceptionForm(forms.Form):
    on = forms.DateField(label=_("Last day"), widget=DateInput())


class MotionForm(forms.Form):
    """Opening a vote: the matter, its kind, the agenda item, and, where the rule leaves it to the cell, whether
    the ballot is secret."""

    text = forms.CharField(label=_("Matter put to the vote"), max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label=_("Kind of vote"), choices=VoteKind.choices,
                             help_text=_("The rule of the kind decides who votes, how, and what is needed to pass."))
    agenda_item = forms.ModelChoiceField(label=_("Agenda item"), queryset=None, required=False,
                                         empty_label=EMPTY_CHOICE)
    secret = forms.BooleanField(label=_("Secret ballot"), required=False,
                                help_text=_("Counts only where the rule lets the cell choose (admission, recognition "
                                            "as an official member, removal from the roll); elections and "
                                            "discipline are always secret, ordinary matters open."))

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = items


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("Your vote"), choices=VoteChoice.choices)
