"""Log in with a username, a phone number or an email address."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from dancoso.core.text import normalize_phone


class IdentifierBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        identifier = (username or kwargs.get(get_user_model().USERNAME_FIELD) or "").strip()
        if not identifier or password is None:
            return None
        user = self.find_user(identifier)
        if user is None:
            # Spend the same time as a real check so timing does not reveal which identifiers exist.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    @staticmethod
    def find_user(identifier: str):
        query = Q(username__iexact=identifier)
        if "@" in identifier:
            query |= Q(email__iexact=identifier)
        phone = normalize_phone(identifier)
        if phone:
            query |= Q(phone=phone)
        matches = list(get_user_model()._default_manager.filter(query)[:2])
        return matches[0] if len(matches) == 1 else None


def lockout_username(request, credentials: dict | None = None) -> str:
    """The name django-axes counts failed logins against (settings.AXES_USERNAME_CALLABLE).

    A person can type their username, phone or email; counting per typed text would give an attacker three
    times the allowed guesses. So an identifier that names an account counts against that account.
    """
    source = credentials if credentials else getattr(request, "data", request.POST)
    identifier = (source.get("username") or "").strip()
    if not identifier:
        return ""
    user = IdentifierBackend.find_user(identifier)
    if user is not None:
        return user.get_username()
    return normalize_phone(identifier) or identifier.lower()
