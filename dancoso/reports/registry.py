"""The figure providers of every installed app: each app's `stats.py` lists its own in `REPORT_PROVIDERS`
(core.figures.Provider). Found once per process, in the order of INSTALLED_APPS."""

from functools import cache
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps

from dancoso.core.figures import Provider


@cache
def providers() -> dict[str, Provider]:
    found: dict[str, Provider] = {}
    for config in apps.get_app_configs():
        module_name = f"{config.name}.stats"
        if find_spec(module_name) is None:
            continue
        for provider in getattr(import_module(module_name), "REPORT_PROVIDERS", ()):
            if provider.key in found:
                raise ValueError(f"two report providers are named {provider.key!r}")
            found[provider.key] = provider
    return found


def provider(key: str) -> Provider:
    try:
        return providers()[key]
    except KeyError:
        raise LookupError(f"no report provider {key!r}; known: {sorted(providers())}") from None
