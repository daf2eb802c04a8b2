"""Users, memberships (user × unit × role) and per-role login policy."""

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dancoso.accounts.roles import Role
from dancoso.core.scoping import ScopedQuerySet


class AccountManager(UserManager):
    """Creates users through `accounts.services` so `createsuperuser` normalises, validates and records
    to the ledger like every other write. `createsuperuser` validates the password itself (and lets an
    operator bypass that on purpose), so it is not validated a second time here."""

    use_in_migrations = False  # historical models in migrations cannot call services

    def create_user(self, username, email=None, password=None, **extra_fields):
        return self._create_through_services(username, email, password, **extra_fields)

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_through_services(username, email, password, **extra_fields)

    def _create_through_services(self, username, email, password, **extra_fields):
        from dancoso.accounts import services

        return services.create_user(
            actor=None,
            username=username,
            email=email or None,
            password=password,
            validate_password=False,
            **extra_fields,
        )


class User(AbstractUser):
    """A person who logs in. Logs in by username, phone or email (accounts.backends)."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, null=True, blank=True, unique=True)
    # NULL, not "", means "no email": the case-insensitive unique constraint must ignore missing ones.
    email = models.EmailField(_("email address"), null=True, blank=True)  # noqa: DJ001
    preferred_language = models.CharField(
        _("language"), max_length=5, choices=[("vi", "Tiếng Việt"), ("en", "English")], default="vi"
    )

    objects = AccountManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="accounts_user_email_ci_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def clean(self):
        super().clean()
        # AbstractUser.clean() turns a missing email into "": store "no email" as NULL, like "no phone".
        self.email = self.email or None
        self.phone = self.phone or None

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def get_short_name(self) -> str:
        return self.get_full_name()


class MembershipQuerySet(ScopedQuerySet):
    scope_unit_field = "unit"

    def current(self, on=None) -> "MembershipQuerySet":
        today = timezone.localdate() if on is None else on
        return self.filter(
            is_active=True,
            unit__is_active=True,
        ).filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=today),
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=today),
        )


class Membership(models.Model):
    """`user` holds `role` in `unit` (and, if `covers_subtree`, in every unit below it)."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    covers_subtree = models.BooleanField(
        _("covers units below"),
        default=True,
        help_text=_("The role also applies to villages, residential groups and other units under this one."),
    )
    title = models.CharField(_("position"), max_length=200, blank=True, help_text=_("e.g. Chủ tịch UBND xã"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user", "unit__path", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit", "role"], name="accounts_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"


class RolePolicy(models.Model):
    """Login policy an administrator sets per role: require two-factor login."""

    role = models.CharField(_("role"), max_length=40, choices=Role.choices, unique=True)
    require_two_factor = models.BooleanField(_("require two-factor login"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("role policy")
        verbose_name_plural = _("role policies")

    def __str__(self) -> str:
        return str(Role(self.role).label)
