from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "dancoso.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from dancoso.core import calendar  # noqa: F401  (connects the calendar cache-invalidation receivers)
