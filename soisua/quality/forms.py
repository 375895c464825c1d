from django import forms
from django.utils.translation import gettext_lazy as _

from soisua.org.forms import VersionedForm

from .enums import RATING_LEVELS, Level
from .models import QualityRubric

MET_CHOICES = [("yes", _("Met")), ("no", _("Not met"))]


class AssessmentForm(VersionedForm):
    """One field per criterion the cell judges (points for a scored version, met or not for the framework); the
    computed ones are shown beside it, not asked."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              max_length=4000)

    def __init__(self, *args, lines, scored: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.scored = scored
        self.judged_lines = [line for line in lines if not line.computed]
        for line in self.judged_lines:
            criterion = line
            name = field_name(criterion.code)
            if scored:
                self.fields[name] = forms.IntegerField(
                    label=criterion.text, min_value=0, max_value=criterion.max_points, initial=line.points,
                    help_text=_("From 0 to %(max)s points.") % {"max": criterion.max_points})
            else:
                initial = {True: "yes", False: "no"}.get(line.met)
                self.fields[name] = forms.ChoiceField(label=criterion.text, choices=MET_CHOICES, initial=initial,
                                                      widget=forms.RadioSelect)
        self.order_fields([*(field_name(line.code) for line in self.judged_lines), "comment", "version"])

    def judged(self) -> dict[str, dict]:
        data = {}
        for line in self.judged_lines:
            value = self.cleaned_data.get(field_name(line.code))
            data[line.code] = {"points": value} if self.scored else {"met": value == "yes"}
        return data


def field_name(code: str) -> str:
    return f"criterion_{code}"


class RatingForm(forms.Form):
    level = forms.ChoiceField(label=_("How was this meeting?"), widget=forms.RadioSelect,
                              choices=[(level.value, level.label) for level in map(Level, RATING_LEVELS)])
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Nobody sees who wrote it; do not sign it."))


class ChooseRubricForm(VersionedForm):
    rubric = forms.ModelChoiceField(label=_("Criteria version"), queryset=QualityRubric.objects.all(),
                                    empty_label=None)
