from django import forms
from django.utils.translation import gettext_lazy as _

from soisua.org.forms import DateInput, VersionedForm

from .enums import DocumentKind
from .services import NOTE_LIMIT


class PublishForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    number = forms.CharField(label=_("Number and symbol"), max_length=60, required=False,
                             help_text=_("e.g. 57-NQ/TW."))
    issuer = forms.CharField(label=_("Issued by"), max_length=200, help_text=_("e.g. Bộ Chính trị."))
    issued_on = forms.DateField(label=_("Date of issue"), widget=DateInput())
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Summary"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 4}))
    upload = forms.FileField(label=_("File"), required=False, help_text=_("PDF, DOCX or XLSX."),
                             widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx"}))
    body = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
                           help_text=_("Optional: the text itself, read on the page without downloading."))
    required = forms.BooleanField(label=_("Required study for the members below"), required=False)
    study_due = forms.DateField(label=_("Study by"), required=False, widget=DateInput(),
                                help_text=_("Needed for a required study."))
    note_required = forms.BooleanField(label=_("Ask each member for a short write-up"), required=False)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Number, title, summary or issuer"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *DocumentKind.choices])
    year = forms.TypedChoiceField(label=_("Year of issue"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *((year, year) for year in years)]


class StudyForm(forms.Form):
    note = forms.CharField(label=_("Write-up"), required=False, max_length=NOTE_LIMIT,
                           widget=forms.Textarea(attrs={"rows": 5}))


class WithdrawForm(VersionedForm):
    reason = forms.CharField(label=_("Reason for withdrawal"), max_length=500)


class LinkForm(forms.Form):
    document = forms.ModelChoiceField(label=_("Document studied"), queryset=None)

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents
