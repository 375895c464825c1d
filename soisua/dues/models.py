"""Party dues (docs/domain.md, "Đảng phí"): the month a cell began recording them, and each member's payments.

No money passes through the product: it records what the cell collected (at a meeting, or on another day), so
that arrears are seen and the months unpaid are counted.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .enums import PaymentChannel


class DuesBook(models.Model):
    """A cell's dues record: months before `starts_on` are not counted against anyone (the cell kept its dues on
    paper until then)."""

    unit = models.OneToOneField("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("cell"))
    province = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 db_index=False)
    starts_on = models.DateField(_("first month recorded"))
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("dues record")

    def __str__(self):
        return f"{self.unit_id} {self.starts_on:%m/%Y}"


class Payment(models.Model):
    """One member's dues for one month, as the cell collected them. One payment per member and month: a correction
    replaces the amount (audited with the old and the new one), it never adds a second row."""

    member = models.ForeignKey("org.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("member"))
    # The cell that collected it (the member's cell then); the province key goes with it (docs/architecture.md).
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("cell"))
    province = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 db_index=False)
    month = models.DateField(_("month"))
    amount = models.PositiveIntegerField(_("amount (đồng)"))
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("collected at"))
    collected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("collected by"))
    collected_on = models.DateField(_("collected on"))
    channel = models.CharField(_("how it was paid"), max_length=10, choices=PaymentChannel.choices,
                               default=PaymentChannel.CASH)
    # A receipt number, or the portal's transaction reference: an imported payment is known again by it.
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-month", "-pk"]
        verbose_name = _("dues payment")
        verbose_name_plural = _("dues payments")
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="dues_one_payment_a_month"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="dues_amount_positive"),
        ]
        indexes = [models.Index(fields=["unit", "month"], name="dues_unit_month"),
                   models.Index(fields=["reference"], name="dues_reference",
                                condition=~Q(reference="")),
                   models.Index(fields=["province", "month"], name="dues_province_month")]

    def __str__(self):
        return f"{self.member_id} {self.month:%m/%Y}: {self.amount}"
