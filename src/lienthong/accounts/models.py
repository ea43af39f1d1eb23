"""The organisation of a province: agencies (cơ quan), units (đơn vị), positions, users, roles
and delegation (ủy quyền)."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lienthong.core.models import TimeStampedModel

from .constants import AgencyKind, Role
from .querysets import (
    AgencyQuerySet,
    DelegationQuerySet,
    PositionQuerySet,
    UnitQuerySet,
    UserQuerySet,
)
from .validators import (
    validate_abbreviation,
    validate_agency_code,
    validate_applicant_identifier,
)


class Agency(TimeStampedModel):
    """A state agency: People's Committee, department, office, commune..."""

    code = models.CharField(
        _("electronic identifier code"),
        max_length=20,
        unique=True,
        validators=[validate_agency_code],
        help_text=_("Mã định danh điện tử, format 000.00.00.H12 (QCVN 102:2016)."),
    )
    code_is_official = models.BooleanField(
        _("official code"),
        default=False,
        help_text=_("Unticked when the code is a placeholder (demo data), not the assigned one."),
    )
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    abbreviation = models.CharField(
        _("abbreviation"),
        max_length=20,
        validators=[validate_abbreviation],
        help_text=_("Used in document symbols, e.g. UBND, STP, SNV."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    governing_body_name = models.CharField(
        _("governing body name"),
        max_length=200,
        blank=True,
        help_text=_("Printed above the agency's name on documents, e.g. “UBND TỈNH CÀ MAU”."),
    )
    place_name = models.CharField(
        _("place name"),
        max_length=100,
        help_text=_("Địa danh printed on documents, e.g. “Cà Mau” or “Trần Văn Thời”."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("telephone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Issuing policy, set by the agency's administrator (accounts.services.set_issuing_policy).
    issues_on_paper = models.BooleanField(
        _("also issues on paper"),
        default=False,
        help_text=_(
            "Ticked: the agency also issues its documents on paper, so a document whose "
            "electronic copy is not digitally signed may still be issued (the paper copy is the "
            "valid one). Unticked: a document delivered electronically to another agency must "
            "carry the signer's and the agency's digital signatures."
        ),
    )

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")), name="agency_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Unit(TimeStampedModel):
    """A unit inside an agency (phòng, ban, văn phòng)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="units"
    )
    name = models.CharField(_("name"), max_length=200)
    abbreviation = models.CharField(
        _("abbreviation"),
        max_length=20,
        validators=[validate_abbreviation],
        help_text=_("Used in the symbol of official letters, e.g. VX in 12/UBND-VX."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["agency", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="unit_name_unique_in_agency"),
            models.UniqueConstraint(
                fields=["agency", "abbreviation"], name="unit_abbreviation_unique_in_agency"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """A position (chức vụ): Chủ tịch, Giám đốc, Chánh Văn phòng, Chuyên viên..."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=100, help_text=_("Smaller is more senior; used for ordering.")
    )
    is_leadership = models.BooleanField(_("leadership position"), default=False)

    objects = PositionQuerySet.as_manager()

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class LienthongUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    pass


class User(AbstractUser):
    """An official (cán bộ, công chức) or administrator of the platform."""

    full_name = models.CharField(_("full name"), max_length=100)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    # Citizens and businesses sign in with it (accounts.identity); officials keep a user name.
    identifier = models.CharField(
        _("personal identification number or enterprise code"),
        max_length=14,
        blank=True,
        validators=[validate_applicant_identifier],
        help_text=_(
            "Số định danh cá nhân (12 digits) or mã số doanh nghiệp (10, or 10-3) of a citizen's "
            "or business's account; empty for officials."
        ),
    )

    objects: ClassVar[LienthongUserManager] = LienthongUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_unique_ci"),
            models.UniqueConstraint(
                fields=["identifier"],
                condition=~models.Q(identifier=""),
                name="user_identifier_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def role_set(self) -> set[str]:
        cached: set[str] | None = getattr(self, "_role_cache", None)
        if cached is None:
            cached = {grant.role for grant in self.role_grants.all()}
            self._role_cache = cached
        return cached

    def has_role(self, role: Role | str) -> bool:
        return str(role) in self.role_set()

    def role_labels(self) -> list[str]:
        return [str(label) for value, label in Role.choices if value in self.role_set()]

    @property
    def is_applicant(self) -> bool:
        """A citizen's or business's account: no agency, no role, no administration."""
        return (
            self.agency_id is None
            and not self.is_staff
            and not self.is_superuser
            and not self.role_set()
        )

    @property
    def is_system_admin(self) -> bool:
        return self.is_superuser or self.has_role(Role.SYSTEM_ADMIN)


class RoleGrant(models.Model):
    """A role held by a user, within the user's agency (system administrator: everywhere)."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_grants"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="role_grant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}"


class Delegation(TimeStampedModel):
    """Ủy quyền: one official authorises another to act for them over a period.

    Authorisation signed “TUQ.” is written, time-limited and cannot be delegated again
    (Decree 30/2020, Article 13)."""

    delegator = models.ForeignKey(
        User,
        verbose_name=_("delegator"),
        on_delete=models.PROTECT,
        related_name="delegations_given",
    )
    delegate = models.ForeignKey(
        User,
        verbose_name=_("delegate"),
        on_delete=models.PROTECT,
        related_name="delegations_received",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    scope = models.CharField(
        _("scope"),
        max_length=500,
        help_text=_("What the delegate may do on the delegator's behalf."),
    )
    legal_basis = models.CharField(
        _("written authorisation"), max_length=200, blank=True, help_text=_("E.g. 05/GUQ-UBND.")
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="delegation_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(delegator=models.F("delegate")),
                name="delegation_not_to_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate}"
