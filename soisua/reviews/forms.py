from django import forms
from django.utils.translation import gettext_lazy as _

from soisua.org.forms import DateInput

from .enums import Anonymity, CycleKind, RuleSetStatus
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


class CycleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind"), choices=CycleKind.choices)
    period_start = forms.DateField(label=_("Period from"), widget=DateInput())
    period_end = forms.DateField(label=_("Period until"), widget=DateInput())
    self_review_due = forms.DateField(label=_("Self-reviews due"), widget=DateInput())
    appraisal_due = forms.DateField(label=_("Cell appraisal due"), widget=DateInput())
    decision_due = forms.DateField(label=_("Decision due"), widget=DateInput())
    rule_set = forms.ModelChoiceField(label=_("Rule set"), queryset=RuleSet.objects.filter(
        status=RuleSetStatus.PUBLISHED))
    anonymity = forms.ChoiceField(label=_("Feedback anonymity"), choices=Anonymity.choices)
    enforce_order = forms.BooleanField(label=_("Enforce the review order"), required=False, initial=True,
                                       help_text=_("Collective first, then the head, the deputies and the members."))

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The period cannot end before it starts."))
        stages = [data.get(name) for name in ("self_review_due", "appraisal_due", "decision_due")]
        if all(stages) and not stages[0] <= stages[1] <= stages[2]:
            self.add_error("decision_due", _("The stages must follow each other: self-reviews, then the cell "
                                             "appraisal, then the decision."))
        return data
