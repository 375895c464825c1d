import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from soisua.documents.forms import SpreadsheetForm
from soisua.org.forms import DateInput, VersionedForm

from . import imports
from .enums import label
from .queries import SheetRow
from .services import MAX_AMOUNT

MONTH = re.compile(r"^\s*(\d{1,2})\s*[/.-]\s*(\d{4})\s*$")


class MonthField(forms.CharField):
    """A month typed as mm/yyyy (11/2026); cleaned to its first day."""

    def __init__(self, **kwargs):
        super().__init__(max_length=7, help_text=_("Month and year, as mm/yyyy."), **kwargs)
        self.widget.attrs.update({"placeholder": "mm/yyyy", "inputmode": "numeric"})

    def prepare_value(self, value):
        return label(value) if isinstance(value, datetime.date) else value

    def clean(self, value):
        value = super().clean(value)
        match = MONTH.match(value or "")
        if not match or not 1 <= int(match[1]) <= 12:
            raise forms.ValidationError(_("Write the month as mm/yyyy, for example 11/2026."), code="month")
        return datetime.date(int(match[2]), int(match[1]), 1)


class StartForm(VersionedForm):
    month = MonthField(label=_("First month recorded"))


class PaymentForm(forms.Form):
    month = MonthField(label=_("Month paid for"))
    amount = forms.IntegerField(label=_("Amount (đồng)"), min_value=1, max_value=MAX_AMOUNT)
    collected_on = forms.DateField(label=_("Collected on"), widget=DateInput())
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False,
                                help_text=_("A receipt number or a bank transfer reference, if there is one."))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)
    correction = forms.BooleanField(label=_("This corrects the payment already recorded for that month"),
                                    required=False)


class CollectionForm(forms.Form):
    """The sheet of a meeting: for each member, the months they paid and the amount of one month."""

    def __init__(self, *args, rows: list[SheetRow], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            key = row.member.pk
            self.fields[f"months-{key}"] = forms.TypedMultipleChoiceField(
                label=row.member.full_name, required=False, widget=forms.CheckboxSelectMultiple,
                choices=[(month.isoformat(), label(month)) for month in row.months],
                coerce=datetime.date.fromisoformat)
            # Named after the member: an error in the summary above the sheet says whose amount is wrong.
            self.fields[f"amount-{key}"] = forms.IntegerField(
                label=_("Amount of one month paid by %(name)s (đồng)") % {"name": row.member.full_name},
                required=False, min_value=1, max_value=MAX_AMOUNT,
                initial=row.standing.last_amount)

    def lines(self):
        """(row, months field, amount field) for the template."""
        return [(row, self[f"months-{row.member.pk}"], self[f"amount-{row.member.pk}"]) for row in self.rows]

    def collected(self) -> list[tuple[object, list[datetime.date], int | None]]:
        return [(row.member, self.cleaned_data[f"months-{row.member.pk}"], self.cleaned_data[f"amount-{row.member.pk}"])
                for row in self.rows]


class PaymentsFileForm(SpreadsheetForm):
    """A list of payments to import (dues/imports.py)."""

    file_label = _("List of payments")

    def columns_help(self) -> tuple[str, ...]:
        return (str(_("Columns: Đảng viên (party card number or citizen ID), Tháng (mm/yyyy), Số tiền (đồng), Mã "
                      "giao dịch (the portal's reference), Ngày nộp (dd/mm/yyyy), Hình thức (Cổng dịch vụ công or "
                      "Tiền mặt; empty means the portal); Họ và tên and STT may be added. Any other column is "
                      "refused.")),)

    def too_large_error(self):
        return imports.PAYMENTS.too_large()
