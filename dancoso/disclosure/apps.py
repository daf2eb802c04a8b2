from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "dancoso.disclosure"
    label = "disclosure"
    verbose_name = _("Disclosure (công khai)")

    def ready(self) -> None:
        from dancoso.disclosure import legal

        legal.connect_cache()
