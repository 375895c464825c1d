from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RuleSet


class CopyRuleSetForm(forms.Form):
    code = forms.SlugField(label=_("Code of the copy"), max_length=40,
                           help_text=_("Letters, digits and hyphens, e.g. 2025-xa-ea-kmut."))
    name = forms.CharField(label=_("Name of the copy"), max_length=255)


class ThresholdsForm(forms.Form):
    """One minimum-score field per level of the rule set, and the excellent quota."""

    quota_percent = forms.DecimalField(label=_("Quota (percent)"), min_value=0, max_value=100, decimal_places=2)

    def __init__(self, *args, rule_set: RuleSet, **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = list(rule_set.levels.all())
        for level in self.levels:
            self.fields[f"level_{level.code}"] = forms.DecimalField(
                label=_("Minimum score for “%(level)s”") % {"level": level.name}, min_value=0, max_value=100,
                decimal_places=2, initial=level.min_score)
        self.fields["quota_percent"].initial = rule_set.quota_percent
        self.order_fields([*(f"level_{level.code}" for level in self.levels), "quota_percent"])

    def minimum_scores(self) -> dict:
        return {level.code: self.cleaned_data[f"level_{level.code}"] for level in self.levels}


class ChecklistItemForm(forms.Form):
    text = forms.CharField(label=_("Wording"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000)
    verified = forms.BooleanField(label=_("Checked against the official text"), required=False)
