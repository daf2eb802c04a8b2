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
