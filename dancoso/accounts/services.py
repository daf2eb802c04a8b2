"""Every write to users, memberships, role policies, two-factor devices and API tokens.

Views, the API, the admin and management commands call these functions; they never save models themselves.
Each action validates, changes state and records to the ledger in one transaction. Secrets (passwords,
TOTP keys, backup codes, API tokens) never reach the ledger or the logs.
"""

from datetime import date

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from dancoso.accounts.middleware import forget_role_policies
from dancoso.accounts.models import Membership, RolePolicy, User
from dancoso.accounts.roles import ROLE_COVERS_SUBTREE, Role
from dancoso.accounts.scoping import forget_memberships
from dancoso.core import ledger
from dancoso.core.text import normalize_phone, normalize_text

BACKUP_CODE_COUNT = 10
TOTP_DEVICE_NAME = "TOTP"
BACKUP_DEVICE_NAME = "backup"
USER_EDITABLE_FIELDS = frozenset(
    {"username", "full_name", "phone", "email", "preferred_language", "is_active", "is_staff", "is_superuser"}
)
MEMBERSHIP_EDITABLE_FIELDS = frozenset({"covers_subtree", "title", "valid_from", "valid_until", "is_active"})


# --- users -------------------------------------------------------------------------------------------------


def _clean_phone(phone: str | None) -> str | None:
    if not phone or not phone.strip():
        return None
    normalized = normalize_phone(phone)
    if not normalized:
        raise ValidationError(
            {"phone": _("“%(phone)s” is not a Vietnamese phone number.") % {"phone": phone}}
        )
    return normalized


def _clean_email(email: str | None) -> str | None:
    if not email or not email.strip():
        return None
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": _("“%(email)s” is not a valid email address.") % {"email": email}}
        ) from None
    return email


def _clean_username(username: str) -> str:
    username = normalize_text(username)
    if not username:
        raise ValidationError({"username": _("Enter a username.")})
    if any(ch.isspace() for ch in username):
        raise ValidationError({"username": _("A username cannot contain spaces.")})
    return username


def _identifier_owner_q(identifier: str) -> Q:
    """Users that `identifier` would log in as (mirrors `backends.IdentifierBackend.find_user`)."""
    query = Q(username__iexact=identifier)
    if "@" in identifier:
        query |= Q(email__iexact=identifier)
    phone = normalize_phone(identifier)
    if phone:
        query |= Q(phone=phone)
    return query


def _check_identifiers_free(user: User) -> None:
    """Username, phone and email must each identify this user alone, across all three fields, or logging
    in with them would be ambiguous."""
    others = User.objects.exclude(pk=user.pk) if user.pk else User.objects.all()
    checks = [
        ("username", user.username, _("This username is already in use.")),
        ("phone", user.phone, _("This phone number is already in use by another account.")),
        ("email", user.email, _("This email address is already in use by another account.")),
    ]
    errors = {
        field: message
        for field, value, message in checks
        if value and others.filter(_identifier_owner_q(value)).exists()
    }
    if errors:
        raise ValidationError(errors)


def _require_superuser_to_grant_admin(actor, *, is_staff: bool, is_superuser: bool) -> None:
    if (is_staff or is_superuser) and actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("Only a system administrator can create or promote staff accounts."))


@transaction.atomic
def create_user(
    *,
    actor,
    username: str,
    password: str | None = None,
    full_name: str = "",
    phone: str | None = None,
    email: str | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
    validate_password: bool = True,
) -> User:
    """Create an account. Without a password it cannot log in until one is set."""
    _require_superuser_to_grant_admin(actor, is_staff=is_staff, is_superuser=is_superuser)
    user = User(
        username=_clean_username(username),
        full_name=normalize_text(full_name),
        phone=_clean_phone(phone),
        email=_clean_email(email),
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    _check_identifiers_free(user)
    if password:
        if validate_password:
            password_validation.validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    ledger.record(
        action="accounts.create_user",
        actor=actor,
        obj=user,
        payload={"username": user.username, "is_staff": is_staff, "is_superuser": is_superuser},
    )
    return user


@transaction.atomic
def update_user(user: User, *, actor, **changes) -> User:
    unknown = set(changes) - USER_EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable through update_user: {sorted(unknown)}")
    _require_superuser_to_grant_admin(
        actor,
        is_staff=changes.get("is_staff", False) and not user.is_staff,
        is_superuser=changes.get("is_superuser", False) and not user.is_superuser,
    )
    cleaners = {
        "username": _clean_username,
        "full_name": normalize_text,
        "phone": _clean_phone,
        "email": _clean_email,
    }
    before = {name: getattr(user, name) for name in changes}
    for name, value in changes.items():
        setattr(user, name, cleaners[name](value) if name in cleaners else value)
    _check_identifiers_free(user)
    user.full_clean(exclude=["password"])
    user.save()
    # Field names only: the ledger is permanent and must not keep personal data such as phone numbers.
    changed = sorted(k for k in changes if before[k] != getattr(user, k))
    if changed:
        ledger.record(action="accounts.update_user", actor=actor, obj=user, payload={"changed": changed})
    return user


@transaction.atomic
def set_password(user: User, *, actor, password: str | None) -> User:
    """Set (after validation) or, with None, remove the password so the account cannot log in."""
    if actor is not None and actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied(_("Only a system administrator can change another person's password."))
    if password:
        password_validation.validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save(update_fields=["password"])
    ledger.record(
        action="accounts.set_password", actor=actor, obj=user, payload={"usable": user.has_usable_password()}
    )
    return user


# --- memberships --------------------------------------------------------------------------------------------


def _require_manage_membership(actor, unit) -> None:
    if actor is not None and not actor.has_perm("accounts.manage_membership", unit):
        raise PermissionDenied(_("You may not grant or revoke roles in this unit."))


def _check_validity(valid_from: date | None, valid_until: date | None) -> None:
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationError({"valid_until": _("The end date cannot be before the start date.")})


def _membership_payload(membership: Membership) -> dict:
    return {
        "user": membership.user_id,
        "role": membership.role,
        "covers_subtree": membership.covers_subtree,
        "title": membership.title,
        "valid_from": membership.valid_from,
        "valid_until": membership.valid_until,
    }


@transaction.atomic
def grant_membership(
    *,
    actor,
    user: User,
    unit,
    role: str,
    covers_subtree: bool | None = None,
    title: str = "",
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> Membership:
    """Give `user` `role` in `unit`. Granting a role the user already holds there returns that membership;
    granting a revoked one restores it with the new terms."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role “%(role)s”.") % {"role": role}})
    _require_manage_membership(actor, unit)
    _check_validity(valid_from, valid_until)
    existing = Membership.objects.select_for_update().filter(user=user, unit=unit, role=role).first()
    if existing is not None and existing.is_active:
        return existing
    membership = existing or Membership(user=user, unit=unit, role=role)
    membership.covers_subtree = ROLE_COVERS_SUBTREE[role] if covers_subtree is None else covers_subtree
    membership.title = normalize_text(title)
    membership.valid_from = valid_from
    membership.valid_until = valid_until
    membership.is_active = True
    membership.full_clean(validate_unique=False)
    membership.save()
    forget_memberships(user)
    ledger.record(
        action="accounts.grant_membership",
        actor=actor,
        obj=membership,
        payload=_membership_payload(membership),
    )
    return membership


@transaction.atomic
def update_membership(membership: Membership, *, actor, **changes) -> Membership:
    unknown = set(changes) - MEMBERSHIP_EDITABLE_FIELDS
    if unknown:
        raise ValueError(f"not editable through update_membership: {sorted(unknown)}")
    _require_manage_membership(actor, membership.unit)
    before = {name: getattr(membership, name) for name in changes}
    for name, value in changes.items():
        setattr(membership, name, normalize_text(value) if name == "title" else value)
    _check_validity(membership.valid_from, membership.valid_until)
    membership.full_clean(validate_unique=False)
    membership.save()
    forget_memberships(membership.user)
    changed = {k: [before[k], getattr(membership, k)] for k in changes if before[k] != getattr(membership, k)}
    if changed:
        ledger.record(
            action="accounts.update_membership", actor=actor, obj=membership, payload={"changed": changed}
        )
    return membership


@transaction.atomic
def revoke_membership(membership: Membership, *, actor) -> Membership:
    """End a membership. The row stays (inactive) so the history of who held which role remains."""
    _require_manage_membership(actor, membership.unit)
    if not membership.is_active:
        return membership
    membership.is_active = False
    today = timezone.localdate()
    if membership.valid_until is None or membership.valid_until > today:
        membership.valid_until = today
    if membership.valid_from and membership.valid_from > membership.valid_until:
        membership.valid_from = membership.valid_until
    membership.save(update_fields=["is_active", "valid_until", "valid_from"])
    forget_memberships(membership.user)
    ledger.record(
        action="accounts.revoke_membership",
        actor=actor,
        obj=membership,
        payload=_membership_payload(membership),
    )
    return membership


# --- role policy --------------------------------------------------------------------------------------------


@transaction.atomic
def set_role_policy(*, actor, role: str, require_two_factor: bool) -> RolePolicy:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role “%(role)s”.") % {"role": role}})
    if actor is not None and not actor.has_perm("accounts.manage_role_policy"):
        raise PermissionDenied(_("Only a system administrator can change login policies."))
    policy, _created = RolePolicy.objects.select_for_update().get_or_create(role=role)
    if policy.require_two_factor != require_two_factor or _created:
        policy.require_two_factor = require_two_factor
        policy.save()
        # Now for this process, and again after commit in case another request cached the old policy meanwhile.
        forget_role_policies()
        transaction.on_commit(forget_role_policies)
        ledger.record(
            action="accounts.set_role_policy",
            actor=actor,
            obj=policy,
            payload={"role": role, "require_two_factor": require_two_factor},
        )
    return policy


# --- two-factor login ---------------------------------------------------------------------------------------


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def backup_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


@transaction.atomic
def start_totp_setup(user: User) -> TOTPDevice:
    """A fresh, unconfirmed TOTP device (random key). Abandoned earlier attempts are discarded."""
    TOTPDevice.objects.devices_for_user(user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    ledger.record(action="accounts.start_totp_setup", actor=user, obj=user)
    return device


@transaction.atomic
def confirm_totp(user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm `device` when `token` is the current code from the user's app; then it replaces any earlier
    TOTP device and a new set of backup codes is generated."""
    if device.user_id != user.pk or device.confirmed:
        return False
    if not device.verify_token(_clean_token(token)):
        return False
    device.confirmed = True
    device.save()
    TOTPDevice.objects.devices_for_user(user, confirmed=True).exclude(pk=device.pk).delete()
    _replace_backup_codes(user)
    ledger.record(action="accounts.enable_totp", actor=user, obj=user)
    return True


def _clean_token(token: str) -> str:
    return "".join((token or "").split()).lower()


def _replace_backup_codes(user: User) -> StaticDevice:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=StaticToken.random_token()) for _i in range(BACKUP_CODE_COUNT)
    )
    return device


@transaction.atomic
def regenerate_backup_codes(user: User) -> StaticDevice:
    if confirmed_totp_device(user) is None:
        raise ValidationError(_("Turn on two-factor login before creating backup codes."))
    device = _replace_backup_codes(user)
    ledger.record(action="accounts.regenerate_backup_codes", actor=user, obj=user)
    return device


@transaction.atomic
def disable_totp(*, actor, user: User) -> None:
    """Remove the user's TOTP device and backup codes: the user themself or a system administrator."""
    if actor is not None and actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied(
            _("Only a system administrator can turn off another person's two-factor login.")
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    ledger.record(action="accounts.disable_totp", actor=actor, obj=user)


# --- API tokens ---------------------------------------------------------------------------------------------


@transaction.atomic
def issue_api_token(*, actor, user: User) -> str:
    """A new API token for an integration account; any earlier token of the user stops working. Tokens skip
    two-factor login, so only system administrators (or the system itself) issue them."""
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied(_("Only a system administrator can issue API tokens."))
    if not user.is_active:
        raise ValidationError(_("This account is deactivated."))
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    ledger.record(action="accounts.issue_api_token", actor=actor, obj=user)
    return token.key
