import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soisua.org.forms import DateInput

from .enums import AttendanceStatus, MeetingKind


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=255)
    day = forms.DateField(label=_("Date"), widget=DateInput())
    starts = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"placeholder": "19:30"}))
    ends = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"placeholder": "21:00"}))
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    chair = forms.ModelChoiceField(label=_("Chair"), queryset=None, required=False)
    minute_taker = forms.ModelChoiceField(label=_("Minute-taker"), queryset=None, required=False)
    agenda = forms.CharField(label=_("Agenda"), required=False, max_length=20_000,
                             widget=forms.Textarea(attrs={"rows": 5}), help_text=_("One item per line."))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = members
        self.fields["minute_taker"].queryset = members

    def service_values(self) -> dict:
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        return {"kind": data["kind"], "title": data["title"], "place": data["place"], "chair": data["chair"],
                "minute_taker": data["minute_taker"], "agenda": data["agenda"].splitlines(),
                "starts_at": datetime.datetime.combine(data["day"], data["starts"], tzinfo=zone),
                "ends_at": datetime.datetime.combine(data["day"], data["ends"], tzinfo=zone)}


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(label=_("Attendance"), choices=AttendanceStatus.choices)
    minutes_late = forms.IntegerField(label=_("Minutes late"), min_value=0, max_value=600, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)
