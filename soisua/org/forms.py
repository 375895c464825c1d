from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import MemberStatus, PostKind, Role
from .models import Member, Unit, UnitKind


class DateInput(forms.DateInput):
    """dd/mm/yyyy text input: native date pickers vary too much on old phones and in Vietnamese locales."""

    def __init__(self, **kwargs):
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class UnitForm(VersionedForm):
    kind = forms.ModelChoiceField(label=_("Kind"), queryset=UnitKind.objects.all())
    code = forms.CharField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=255)
    abbreviation = forms.CharField(label=_("Document abbreviation"), max_length=30, required=False,
                                   help_text=_("Used in document numbers, e.g. CB in 12-BC/CB."))
    place = forms.CharField(label=_("Place name on documents"), max_length=100, required=False,
                            help_text=_("e.g. Ea Kar, as in “Ea Kar, ngày 16 tháng 3 năm 2023”."))
    active_from = forms.DateField(label=_("Active from"), required=False, widget=DateInput())
    active_until = forms.DateField(label=_("Active until"), required=False, widget=DateInput())

    def __init__(self, *args, kinds=None, **kwargs):
        """`kinds`: the kinds the unit may have where it stands (queries.kinds_under); all kinds when None."""
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].queryset = kinds

    def clean(self):
        data = super().clean()
        start, end = data.get("active_from"), data.get("active_until")
        if start and end and end < start:
            self.add_error("active_until", _("The end date cannot be before the start date."))
        return data


class MoveUnitForm(forms.Form):
    new_parent = forms.ModelChoiceField(label=_("New parent unit"), queryset=Unit.objects.none(),
                                        help_text=_("The unit moves with everything under it."))

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parents


class MemberForm(VersionedForm):
    full_name = forms.CharField(label=_("Full name"), max_length=120)
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Member._meta.get_field("sex").choices],
                            required=False)
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=60, required=False)
    admission_date = forms.DateField(label=_("Admission date"), required=False, widget=DateInput())
    official_date = forms.DateField(label=_("Date made official"), required=False, widget=DateInput())
    card_number = forms.RegexField(label=_("Party card number"), regex=r"^[0-9.\- ]{0,20}$", max_length=20,
                                   required=False, error_messages={"invalid": _("Use digits only.")})
    citizen_id = forms.RegexField(label=_("Citizen ID number"), regex=r"^[0-9]{9}$|^[0-9]{12}$", required=False,
                                  error_messages={"invalid": _("A citizen ID has 12 digits (old cards: 9).")})
    phone = forms.RegexField(label=_("Phone"), regex=r"^\+?[0-9 .]{8,19}$", max_length=20, required=False,
                             error_messages={"invalid": _("Enter a phone number such as 0912 345 678.")})
    email = forms.EmailField(label=_("E-mail"), required=False)
    in_political_system = forms.BooleanField(
        label=_("Works in the political system"), required=False, initial=True, help_text=_(
            "In the agencies of the Party, the State, the Fatherland Front or the mass organisations. Members who do "
            "not (retired, in private enterprises, self-employed, students) review themselves on form 2C."))
    residence_cell = forms.ModelChoiceField(
        label=_("Residence cell"), queryset=Unit.objects.none(), required=False,
        help_text=_("The cell where the member lives, which comments on them in reviews (optional)."))

    def __init__(self, *args, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residence_cell"].queryset = cells

    def clean_card_number(self):
        return "".join(ch for ch in self.cleaned_data["card_number"] if ch.isdigit())

    def clean(self):
        data = super().clean()
        admission, official = data.get("admission_date"), data.get("official_date")
        if admission and official and official < admission:
            self.add_error("official_date", _("The date made official cannot be before the admission date."))
        return data


class NewMemberForm(MemberForm):
    status = forms.ChoiceField(label=_("Status"), choices=MemberStatus.choices, initial=MemberStatus.OFFICIAL)


class TransferForm(forms.Form):
    to_cell = forms.ModelChoiceField(label=_("New cell"), queryset=Unit.objects.none())
    on = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)

    def __init__(self, *args, cells, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_cell"].queryset = cells


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=MemberStatus.choices)
    on = forms.DateField(label=_("Effective on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=255, required=False)


class PostForm(forms.Form):
    kind = forms.ChoiceField(label=_("Post"), choices=PostKind.choices)
    started_on = forms.DateField(label=_("From"), widget=DateInput())

    def __init__(self, *args, kinds: list[str], **kwargs):
        """`kinds`: the posts the person may give here (access.assignable_posts; the service checks again)."""
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(value, label) for value, label in PostKind.choices if value in kinds]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name, card or ID number"), max_length=120, required=False,
                        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))


class AccountForm(forms.Form):
    EMAIL, CODE = "email", "code"

    username = forms.RegexField(label=_("User name"), regex=r"^[a-z0-9._-]{3,40}$", max_length=40,
                                help_text=_("Lower-case letters, digits, dots and hyphens, e.g. bithu.xoan."),
                                error_messages={"invalid": _("Use 3–40 lower-case letters, digits, dots or hyphens.")})
    method = forms.ChoiceField(label=_("How the member chooses the password"), required=False,
                               widget=forms.RadioSelect)

    def __init__(self, *args, email: str, **kwargs):
        """`email`: the address on the member's record. With one, the link goes there unless a set-up code is
        chosen; without one, there is no choice: the login is opened with a code."""
        super().__init__(*args, **kwargs)
        if email:
            self.fields["method"].choices = [
                (self.EMAIL, _("From a link e-mailed to %(email)s") % {"email": email}),
                (self.CODE, _("With a one-time set-up code that you hand to the member on paper or by SMS"))]
            self.fields["method"].initial = self.EMAIL
        else:
            del self.fields["method"]

    def clean(self):
        """Left out (no address on record, or a program's POST): the link by e-mail when there is an address,
        else the code."""
        data = super().clean()
        method = self.fields.get("method")
        data["method"] = data.get("method") or (method.initial if method is not None else self.CODE)
        return data


class GrantForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, roles: list[str], **kwargs):
        """`roles`: those the person granting may grant on this unit (the service checks again)."""
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(value, label) for value, label in Role.choices if value in roles]

    def clean_username(self):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(username=self.cleaned_data["username"].strip()).first()
        if user is None:
            raise forms.ValidationError(_("No login has this user name."))
        return user


class StandInForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Why you act in the committee's place: it is kept and shown to the "
                                         "committee."))
