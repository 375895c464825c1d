from django import forms
from django.core import signing
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from soisua.core.uploads import UploadLimit
from soisua.org.models import UnitKind

from . import imports
from .imports import units


class RosterUploadLimit(FileUploadHandler):
    """Stops reading an upload as soon as it is known to be too large, so a huge file never fills the server.

    Put first in request.upload_handlers; the view then passes `exceeded` to ImportForm.
    """

    # The multipart envelope adds a little to the file itself.
    ENVELOPE = 64 * 1024

    def __init__(self, request=None):
        super().__init__(request)
        self.exceeded = False
        self.received = 0

    @classmethod
    def install(cls, request) -> "RosterUploadLimit":
        """The limit for this request, put in place of the general one before anything reads the body (CSRF
        included: the view is csrf_exempt and checks CSRF afterwards): an import file may be larger than an
        attached document."""
        limit = cls(request)
        if request.method == "POST":
            request.upload_handlers = [limit, *(handler for handler in request.upload_handlers
                                                if not isinstance(handler, UploadLimit))]
        return limit

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.exceeded = content_length > imports.max_upload_bytes() + self.ENVELOPE

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.exceeded:  # refused before a byte of the file is read
            raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > imports.max_upload_bytes():
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


class SpreadsheetForm(forms.Form):
    """An uploaded .xlsx or .csv file of at most the upload limit; subclasses name the file and its columns
    (`file_label`, `columns_help`) and the refusal of a file too large (`too_large_error`)."""

    file_label = gettext_lazy("File")
    file = forms.FileField(allow_empty_file=True, widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}))

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.fields["file"].label = self.file_label
        if too_large:  # the upload was cut short: report its size, not a missing file
            self.fields["file"].required = False
        self.fields["file"].help_text = " ".join((
            _("An Excel workbook (.xlsx) or a CSV UTF-8 file (.csv) of at most %(limit)s, with a header row.")
            % {"limit": filesizeformat(imports.max_upload_bytes())}, *self.columns_help()))

    def columns_help(self) -> tuple[str, ...]:
        return ()

    def too_large_error(self):
        return imports.too_large_error()

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if self.too_large or (upload is not None and upload.size > imports.max_upload_bytes()):
            raise self.too_large_error()
        return upload


class ImportForm(SpreadsheetForm):
    file_label = gettext_lazy("Roster file")

    def columns_help(self) -> tuple[str, ...]:
        return (_("Columns: Họ và tên (required), Mã chi bộ (required), Ngày sinh, Giới tính (Nam/Nữ), Dân tộc, Ngày "
                  "vào Đảng, Ngày chính thức, Số thẻ đảng viên, Số CCCD, Điện thoại, Email, Trạng thái (Chính thức, "
                  "Dự bị, …); other columns such as STT are ignored. English keys (full_name, unit_code, …) work "
                  "too."),
                _("Dates as dd/mm/yyyy or yyyy-mm-dd. Members are recognised by party card number, then citizen ID; "
                  "empty cells never erase what is already recorded."))


class DecisionForm(forms.Form):
    decision = forms.CharField(label=gettext_lazy("What was decided"), max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=gettext_lazy("For example: the member was transferred, the number in the "
                                                      "file was wrong, the importing unit was told."))


# --- Units: the tree below a unit, and the first-run set-up ---------------------------------------------------

# A checked list travels back with its confirmation, signed for the person and the unit (nothing is stored between
# the preview and the confirmation); the rows are checked again when it comes back.
PLAN_MAX_AGE = 3600


def sign_plan(data: dict, *, salt: str) -> str:
    return signing.dumps(data, salt=salt, compress=True)


class UnitsFileForm(SpreadsheetForm):
    file_label = gettext_lazy("List of units")

    def columns_help(self) -> tuple[str, ...]:
        return (_("Columns: Mã đơn vị, Tên đơn vị, Mã loại (a kind code from the table below), Mã đơn vị cấp trên "
                  "(the code of the unit above: this unit, a unit under it, or another row). Rows may come in any "
                  "order."),)

    def too_large_error(self):
        return units.UNITS.too_large()


class SetupForm(UnitsFileForm):
    """The top unit of an empty installation and, optionally, the list of units below it."""

    name = forms.CharField(label=gettext_lazy("Name of the top unit"), max_length=255,
                           help_text=gettext_lazy("e.g. Đảng bộ tỉnh Đắk Lắk"))
    code = forms.CharField(label=gettext_lazy("Code"), max_length=40, help_text=gettext_lazy(
        "A short code, unique in the installation, e.g. DL; the list of units names it as the parent of the units "
        "directly below."))
    kind = forms.ModelChoiceField(label=gettext_lazy("Kind"), queryset=UnitKind.objects.none(),
                                  help_text=gettext_lazy("Only the kinds that may stand at the top are offered."))
    abbreviation = forms.CharField(label=gettext_lazy("Document abbreviation"), max_length=30, required=False,
                                   help_text=gettext_lazy("Used in document numbers, e.g. TU in 72-KH/TU."))
    place = forms.CharField(label=gettext_lazy("Place name on documents"), max_length=100, required=False)

    field_order = ["name", "code", "kind", "abbreviation", "place", "file"]

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = kinds
        self.fields["file"].required = False
        self.fields["file"].help_text = " ".join((_("Optional: the units below the top unit."),
                                                  self.fields["file"].help_text))


class ConfirmUnitsForm(forms.Form):
    """The confirmation of a checked list: the list itself, signed for this person and this place."""

    plan = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, salt: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.salt = salt

    def clean_plan(self):
        try:
            return signing.loads(self.cleaned_data["plan"], salt=self.salt, max_age=PLAN_MAX_AGE)
        except signing.BadSignature:  # expired, altered, or checked for someone else
            raise forms.ValidationError(_("This check is too old or was not made for you here: upload the file "
                                          "again.")) from None


# --- Data exchange --------------------------------------------------------------------------------------------


class ExchangeFileForm(SpreadsheetForm):
    """An exchange file: a workbook, or a zip of CSV files, in the soisua-exchange format."""

    file_label = gettext_lazy("Exchange file")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.zip"
        self.fields["file"].help_text = " ".join((
            _("An Excel workbook (.xlsx) or a zip of CSV UTF-8 files (.zip) of at most %(limit)s, in the "
              "soisua-exchange format, version 1, as this page exports it (the columns are listed below).")
            % {"limit": filesizeformat(imports.max_upload_bytes())},
            _("Members are recognised by party card number, then citizen ID; empty cells never erase what is "
              "already recorded.")))
