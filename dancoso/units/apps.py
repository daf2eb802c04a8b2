from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "dancoso.units"
    label = "units"
    verbose_name = _("Units")

    def ready(self) -> None:
        from dancoso.units import caching

        caching.connect_cache()
