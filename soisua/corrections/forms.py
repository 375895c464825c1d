from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from soisua.org.forms import DateInput

from .enums import Cause, ResponsibilityKind, Severity

EMPTY_CHOICE = _("— choose —")


class MeasureForm(forms.Form):
    text = forms.CharField(label=_("Measure"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    supervisor = forms.ModelChoiceField(label=_("Supervisor"), queryset=None, required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())

    def __init__(self, *args, supervisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervisors


class StepForm(forms.Form):
    what = forms.CharField(label=_("What"), max_length=2000)
    # "By" alone is the audit trail's actor column ("Người thực hiện"); a step's date is when it is due.
    due = forms.DateField(label=pgettext_lazy("roadmap step", "Due by"), widget=DateInput())
    evidence_expected = forms.CharField(label=_("Expected evidence"), max_length=500, required=False)


class SupervisorChoice(forms.ModelChoiceField):
    """A member of the unit by name; someone from the committee above with that committee's name."""

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit

    def label_from_instance(self, member) -> str:
        if self.unit is None or member.cell.path.startswith(self.unit.path) or self.unit.parent is None:
            return member.full_name
        return f"{member.full_name} ({self.unit.parent.name})"


class PlanHeadForm(forms.Form):
    """The plan's own fields on its one form; `version` is the plan's as the form was opened."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    shortcomings = forms.ModelMultipleChoiceField(label=_("Shortcomings this plan fixes"), queryset=None,
                                                  widget=forms.CheckboxSelectMultiple)
    deadline = forms.DateField(label=_("Overall deadline"), widget=DateInput())

    def __init__(self, *args, shortcomings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shortcomings"].queryset = shortcomings


class MeasureRowForm(forms.Form):
    """One measure of the plan's form; left blank (with no step typed), it is left out."""

    text = forms.CharField(label=_("Measure"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2}))
    supervisor = SupervisorChoice(label=_("Supervisor"), queryset=None, required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())

    def __init__(self, *args, supervisors, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervisors
        self.fields["supervisor"].unit = unit


class StepRowForm(forms.Form):
    """One roadmap step of a measure; left blank, it is left out."""

    what = forms.CharField(label=_("What"), max_length=2000)
    due = forms.DateField(label=pgettext_lazy("roadmap step", "Due by"), widget=DateInput())
    evidence_expected = forms.CharField(label=_("Expected evidence"), max_length=500, required=False)


class RowFormSet(forms.BaseFormSet):
    """Rows typed on one page, shown from `initial` (one form each) and read back from what was posted; a row
    left blank is left out rather than refused (every row may be empty: rows are added by a button)."""

    def initial_form_count(self) -> int:
        return 0

    def total_form_count(self) -> int:
        return super().total_form_count() if self.is_bound else len(self.initial or [])


MeasureFormSet = forms.formset_factory(MeasureRowForm, formset=RowFormSet, extra=0, max_num=50, absolute_max=50)
StepFormSet = forms.formset_factory(StepRowForm, formset=RowFormSet, extra=0, max_num=50, absolute_max=50)


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
    responsibility_kind = forms.ChoiceField(
        label=_("Whose responsibility"), required=False, choices=[("", EMPTY_CHOICE), *ResponsibilityKind.choices],
        help_text=_("Left empty: the member's, or the collective's when no member is chosen."))
    source = forms.ChoiceField(label=_("Source"))

    def __init__(self, *args, members, sources, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["source"].choices = sources

    def clean_responsibility_kind(self):
        return self.cleaned_data["responsibility_kind"] or None
