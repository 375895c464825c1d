import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from soisua.org.forms import DateInput

from .enums import DirectiveKind, TargetMode, TaskStatus

DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d")


def _parse_date(text: str) -> datetime.date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


class DirectiveForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DirectiveKind.choices)
    number = forms.CharField(label=_("Number"), max_length=20, required=False,
                             help_text=_("Needed before issuing, e.g. 75."))
    issuer_symbol = forms.CharField(label=_("Issuer abbreviation"), max_length=30, required=False)
    issued_on = forms.DateField(label=_("Date of issue"), widget=DateInput())
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Purpose and requirements"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))
    basis = forms.CharField(label=_("Basis documents"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("One per line, e.g. Kết luận 21-KL/TW ngày 25/10/2021."))
    basis_directives = forms.ModelMultipleChoiceField(label=_("Basis directives in soisua"), queryset=None,
                                                      required=False, widget=forms.CheckboxSelectMultiple)
    tasks = forms.CharField(label=_("Key tasks"), widget=forms.Textarea(attrs={"rows": 10}),
                            help_text=_("One key task per line, in order; they are numbered 1, 2, 3…"))
    report_dates = forms.CharField(label=_("Reporting dates"), widget=forms.Textarea(attrs={"rows": 2}),
                                   help_text=_("One date per line (dd/mm/yyyy): each unit reports on every key task "
                                               "by each date."))
    target_mode = forms.ChoiceField(label=_("Addressed to"), choices=TargetMode.choices,
                                    widget=forms.RadioSelect, initial=TargetMode.CHILDREN)
    target_kinds = forms.ModelMultipleChoiceField(label=_("Kinds of unit"), queryset=None, required=False,
                                                  widget=forms.CheckboxSelectMultiple)
    target_units = forms.ModelMultipleChoiceField(label=_("Units"), queryset=None, required=False,
                                                  widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, kinds, units, basis_directives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_kinds"].queryset = kinds
        self.fields["target_units"].queryset = units
        self.fields["basis_directives"].queryset = basis_directives
        if not basis_directives.exists():  # nothing in soisua to cite yet: no empty list under a label
            del self.fields["basis_directives"]

    def clean_tasks(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["tasks"].splitlines() if line.strip()]

    def clean_report_dates(self) -> list[datetime.date]:
        dates, wrong = [], []
        for line in self.cleaned_data["report_dates"].splitlines():
            if line.strip():
                day = _parse_date(line.strip())
                (dates.append(day) if day else wrong.append(line.strip()))
        if wrong:
            raise forms.ValidationError(_("Not a date (dd/mm/yyyy): %(lines)s") % {"lines": ", ".join(wrong)})
        if not dates:
            raise forms.ValidationError(_("Give at least one reporting date."))
        return dates


class AmendForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Purpose and requirements"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))
    basis = forms.CharField(label=_("Basis documents"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("Reason for the amendment"), widget=forms.Textarea(attrs={"rows": 2}))


class KeyTaskForm(forms.Form):
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    measure = forms.CharField(label=_("Measure of completion"), max_length=500, required=False)
    reason = forms.CharField(label=_("Reason for the change"), required=False,
                             help_text=_("Needed once the directive is issued."))


class ImplementationTaskForm(forms.Form):
    key_task = forms.ModelChoiceField(label=_("Key task"), queryset=None)
    text = forms.CharField(label=_("What the unit will do"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ModelChoiceField(label=_("Person in charge"), queryset=None, required=False)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    meeting = forms.ModelChoiceField(label=_("Meeting held for it"), queryset=None, required=False)
    cycle = forms.ModelChoiceField(label=_("Review cycle"), queryset=None, required=False)
    correction_plan = forms.ModelChoiceField(label=_("Correction plan"), queryset=None, required=False)

    def __init__(self, *args, key_tasks, owners, meetings, cycles, plans, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset in (("key_task", key_tasks), ("owner", owners), ("meeting", meetings),
                               ("cycle", cycles), ("correction_plan", plans)):
            self.fields[name].queryset = queryset
        self.fields["key_task"].label_from_instance = lambda task: f"{task.number}. {task.text[:80]}"


class ReportForm(forms.Form):
    key_task = forms.ModelChoiceField(label=_("Key task"), queryset=None)
    period = forms.ModelChoiceField(label=_("Reporting date"), queryset=None)
    status = forms.ChoiceField(label=_("Status"), choices=TaskStatus.choices, initial=TaskStatus.IN_PROGRESS)
    percent = forms.IntegerField(label=_("Percent done"), min_value=0, max_value=100)
    narrative = forms.CharField(label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("Evidence file"), required=False,
                               help_text=_("PDF, PNG, JPG, DOCX, XLSX or ODT."))
    # The filed report's version as the form showed it; 0 when none was filed yet (services.file_report).
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, key_tasks, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_task"].queryset = key_tasks
        self.fields["period"].queryset = periods
        self.fields["key_task"].label_from_instance = lambda task: f"{task.number}. {task.text[:80]}"
        self.fields["period"].label_from_instance = lambda period: period.due_on.strftime("%d/%m/%Y")


class FileForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, PNG, JPG, DOCX, XLSX or ODT."))
