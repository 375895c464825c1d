from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .enums import ACTIVE_STATUSES, MemberStatus, PostKind, Role, Sex

PATH_STEP = 4  # each tree level adds four base-36 characters: 1.6 million children per unit
PATH_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class UnitKind(models.Model):
    """A kind of unit (provincial committee, cell, …): data, because levels change with reforms."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120, blank=True)
    abbreviation = models.CharField(_("document abbreviation"), max_length=20, blank=True,
                                    help_text=_("Issuer abbreviation in document numbers, e.g. CB or ĐU."))
    holds_members = models.BooleanField(_("holds members"), default=False,
                                        help_text=_("Members are registered directly in units of this kind."))
    within_cell = models.BooleanField(_("inside a cell"), default=False,
                                      help_text=_("Units of this kind divide a cell, like party groups."))
    is_province = models.BooleanField(_("province level"), default=False,
                                      help_text=_("Units of this kind partition the data by province."))
    is_grassroots = models.BooleanField(_("grassroots organisation"), default=False, help_text=_(
        "Quotas of review ratings are counted per organisation of this kind."))
    may_be_root = models.BooleanField(_("may be the top unit"), default=False, help_text=_(
        "A unit of this kind may stand at the top of the installation's tree."))
    # Where a unit of this kind may be placed (docs/domain.md, "The organisation tree"): checked by create_unit,
    # move_unit, update_unit and the import of units. Shipped by a data migration, like the kinds themselves.
    allowed_parents = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="allowed_children",
                                             verbose_name=_("allowed parent kinds"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("unit kind")
        verbose_name_plural = _("unit kinds")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name


class Unit(models.Model):
    """A node of the organisation tree, stored as a materialised path (a subtree is one prefix scan)."""

    kind = models.ForeignKey(UnitKind, on_delete=models.PROTECT, related_name="units", verbose_name=_("kind"))
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("parent unit"))
    # The province ancestor (or self): the sharding key carried by hot tables (docs/architecture.md, "Scale").
    province = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 db_index=False)
    path = models.CharField(max_length=255, unique=True)
    depth = models.PositiveSmallIntegerField()
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    sort_key = models.CharField(max_length=255, db_index=True, editable=False)
    abbreviation = models.CharField(_("document abbreviation"), max_length=30, blank=True)
    place = models.CharField(_("place name on documents"), max_length=100, blank=True)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_until = models.DateField(_("active until"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    # Bumped (with the ancestors') by every write that changes what the unit page shows: members, posts,
    # sub-units, counts. Rendered parts of the page are cached under it.
    content_version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [
            # LIKE 'prefix%' on PostgreSQL needs the pattern operator class unless the column collates as C.
            models.Index(fields=["path"], name="org_unit_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "sort_key"], name="org_unit_children"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(active_until__isnull=True) | Q(active_from__isnull=True)
                                   | Q(active_until__gte=models.F("active_from")), name="org_unit_active_dates"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.active_until is None

    def ancestor_paths(self) -> list[str]:
        return [self.path[:end] for end in range(PATH_STEP, len(self.path), PATH_STEP)]


class Member(models.Model):
    """A party member. Personal data: visible only as org.access allows."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="member", verbose_name=_("login"))
    full_name = models.CharField(_("full name"), max_length=120)
    sort_key = models.CharField(max_length=255, editable=False)
    search_name = models.CharField(max_length=120, editable=False)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=60, blank=True)
    admission_date = models.DateField(_("admission date"), null=True, blank=True)
    official_date = models.DateField(_("date made official"), null=True, blank=True)
    card_number = models.CharField(_("party card number"), max_length=20, blank=True)
    citizen_id = models.CharField(_("citizen ID number"), max_length=12, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=MemberStatus.choices,
                              default=MemberStatus.OFFICIAL)
    # Members outside the political system (retired, private enterprises, self-employed) review on their own form.
    in_political_system = models.BooleanField(_("works in the political system"), default=True)
    cell = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="members", verbose_name=_("cell"))
    residence_cell = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="residents", verbose_name=_("residence cell"))
    province = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 db_index=False)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        indexes = [
            models.Index(fields=["cell", "sort_key"], name="org_member_cell_sorted"),
            models.Index(fields=["search_name"], name="org_member_search"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["card_number"], condition=~Q(card_number=""),
                                    name="org_member_unique_card"),
            models.UniqueConstraint(fields=["citizen_id"], condition=~Q(citizen_id=""),
                                    name="org_member_unique_citizen_id"),
            models.CheckConstraint(condition=Q(official_date__isnull=True) | Q(admission_date__isnull=True)
                                   | Q(official_date__gte=models.F("admission_date")),
                                   name="org_member_official_after_admission"),
        ]

    def __str__(self):
        return self.full_name

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class CellMembership(models.Model):
    """Where a member was active and when; exactly one open row per member."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="memberships")
    cell = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="memberships")
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(ended_on__isnull=True),
                                    name="org_membership_one_active"),
        ]

    def __str__(self):
        return f"{self.member} @ {self.cell}"


class MemberStatusChange(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=20, choices=MemberStatus.choices)
    effective_on = models.DateField(_("effective on"))
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_on", "-id"]

    def __str__(self):
        return f"{self.member}: {self.status}"


class Post(models.Model):
    """A post (secretary, deputy, …) held in a unit, with dates."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="posts")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="posts")
    kind = models.CharField(_("post"), max_length=30, choices=PostKind.choices)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["started_on"]
        indexes = [models.Index(fields=["unit", "ended_on"], name="org_post_unit_current")]
        constraints = [
            models.CheckConstraint(condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                                   name="org_post_dates"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.member}"


class RoleGrant(models.Model):
    """(user, unit, role): what a login may see and do. See org.access.

    A grant comes either from someone who may grant it (`post` empty: granted explicitly, revoked on the roles
    page) or with a post its holder took (`post` set: it lasts as long as the post and counts only while the
    member is active; see org.enums.post_role). The two may exist side by side for the same role."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, null=True, blank=True, related_name="role_grants",
                             verbose_name=_("with the post"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], condition=Q(post__isnull=True),
                                    name="org_grant_unique"),
            models.UniqueConstraint(fields=["post"], condition=Q(post__isnull=False), name="org_grant_one_per_post"),
        ]

    def __str__(self):
        return f"{self.user} {self.role} @ {self.unit}"


class StandIn(models.Model):
    """An administrator acting, for a while and with a stated reason, as the committee of `unit` towards the units
    directly under it (deciding ratings, sending review points). Administrators are not any unit's superior
    committee otherwise; every stand-in is audited and shown to that committee."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stand_ins")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="stand_ins")
    reason = models.CharField(_("reason"), max_length=500)
    started_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))

    class Meta:
        ordering = ["-started_at"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("started_at")),
                                              name="org_standin_dates")]

    def __str__(self):
        return f"{self.user} → {self.unit}"
