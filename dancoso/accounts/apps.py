from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "dancoso.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from dancoso.accounts import scoping, token_cache

        scoping.connect_cache()
        token_cache.connect_cache()
