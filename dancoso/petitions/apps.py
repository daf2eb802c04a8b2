from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "dancoso.petitions"
    label = "petitions"
    verbose_name = _("Citizen reception and petitions")

    def ready(self) -> None:
        from dancoso.petitions import sector_cache, signals

        signals.connect()
        sector_cache.connect_cache()
