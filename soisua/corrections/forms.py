from django import forms
from django.utils.translation import gettext_lazy as _

from soisua.org.forms import DateInput

from .enums import Cause, ResponsibilityKind, Severity


class PlanForm(forms.Form):
    shortcomings = forms.ModelMultipleChoiceField(label=_("Shortcomings this plan fixes"), queryset=None,
                                                  widget=forms.CheckboxSelectMultiple)
    deadline = forms.DateField(label=_("Overall deadline"), widget=DateInput())

    def __init__(self, *args, shortcomings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shortcomings"].queryset = shortcomings


class MeasureForm(forms.Form):
    text = forms.CharField(label=_("Measure"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    supervisor = forms.ModelChoiceField(label=_("Supervisor"), queryset=None, required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())

    def __init__(self, *args, supervisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervisors


class StepForm(forms.Form):
    what = forms.CharField(label=_("What"), max_length=2000)
    due = forms.DateField(label=_("By"), widget=DateInput())
    evidence_expected = forms.CharField(label=_("Expected evidence"), max_length=500, required=False)


class ProgressForm(forms.Form):
    note = forms.CharField(label=_("What was done"), max_length=5000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))
    link = forms.URLField(label=_("Link"), required=False, max_length=500, assume_scheme="https")
    evidence = forms.FileField(label=_("Evidence file"), required=False,
                               help_text=_("PDF, PNG, JPG, DOCX, XLSX or ODT."))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ShortcomingEntryForm(forms.Form):
    """A shortcoming entered by the secretary (from a meeting, an inspection, …)."""

    member = forms.ModelChoiceField(label=_("Member (empty: the collective)"), queryset=None, required=False)
    text = forms.CharField(label=_("Shortcoming"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    cause = forms.ChoiceField(label=_("Cause"), choices=Cause.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices, initial=Severity.MODERATE)
    responsibility_kind = forms.ChoiceField(label=_("Whose responsibility"), choices=ResponsibilityKind.choices)
    source = forms.ChoiceField(label=_("Source"))

    def __init__(self, *args, members, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["source"].choices = sources
