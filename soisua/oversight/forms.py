from django import forms
from django.utils.translation import gettext_lazy as _

from soisua.org.forms import DateInput

from .enums import InspectionKind


class MemberByCard(forms.CharField):
    """A member named by party card number, among `members`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, max_length=20, required=False, **kwargs)
        self.members = None

    def clean(self, value):
        value = super().clean(value).strip()
        if not value:
            return None
        member = self.members.filter(card_number=value).first()
        if member is None:
            raise forms.ValidationError(_("No member with card number %(number)s here.") % {"number": value})
        return member


class InspectionForm(forms.Form):
    year = forms.IntegerField(label=_("Programme year"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind"), choices=InspectionKind.choices)
    subject_unit = forms.ModelChoiceField(label=_("Unit inspected"), queryset=None)
    subject_member = MemberByCard(label=_("Member inspected (party card number)"),
                                  help_text=_("Empty: the unit is inspected as an organisation."))
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 4}))
    period_start = forms.DateField(label=_("From"), widget=DateInput())
    period_end = forms.DateField(label=_("To"), widget=DateInput())
    team = forms.ModelMultipleChoiceField(label=_("Team"), queryset=None, required=False,
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, units, members, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject_unit"].queryset = units
        self.fields["subject_member"].members = members
        self.fields["team"].queryset = team
        self.fields["team"].label_from_instance = lambda user: user.get_full_name() or user.username


class SelfReportForm(forms.Form):
    text = forms.CharField(label=_("Self-report"), widget=forms.Textarea(attrs={"rows": 6}))
    upload = forms.FileField(label=_("File"), required=False, help_text=_("PDF, PNG, JPG, DOCX, XLSX or ODT."))
    # The inspection's version as the form showed it: a self-report sent meanwhile by someone else is not
    # silently overwritten.
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)


class FindingForm(forms.Form):
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}))


class RemedyForm(forms.Form):
    text = forms.CharField(label=_("Remedy requested"), widget=forms.Textarea(attrs={"rows": 2}))
    unit = forms.ModelChoiceField(label=_("Of the unit"), queryset=None, required=False)
    member = MemberByCard(label=_("Or of the member (party card number)"))
    deadline = forms.DateField(label=_("Deadline"), widget=DateInput())

    def __init__(self, *args, units, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["member"].members = members


class ConclusionForm(forms.Form):
    number = forms.CharField(label=_("Conclusion number"), max_length=40, help_text=_("For example 05-KL/UBKT."))
    date = forms.DateField(label=_("Date"), widget=DateInput())
    conclusion = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 6}))
    recommendations = forms.CharField(label=_("Recommendations"), required=False,
                                      widget=forms.Textarea(attrs={"rows": 3}))
