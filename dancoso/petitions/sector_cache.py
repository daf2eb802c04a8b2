"""The fields (`Sector`: land, environment, …) as the inbox shows them on every page: its filter's options and
the rows' labels. An administrator changes them rarely, so they are kept in a `VersionedCache` that watches
`Sector` (`PetitionsConfig.ready()` connects it); a write that sends no signals (queryset.update, bulk_create)
must call `forget_sectors()` after it commits."""

from dancoso.core.versioned_cache import VersionedCache

sectors_cache = VersionedCache("dancoso:petitions:sectors")


def connect_cache() -> None:
    from dancoso.petitions.models import Sector

    sectors_cache.watch(Sector)


def forget_sectors() -> None:
    sectors_cache.bump()


def sector_names() -> tuple[tuple[int, str], ...]:
    """(pk, name) of every field, active or not (old petitions keep theirs), in display order."""
    from dancoso.petitions.models import Sector

    return sectors_cache.get("names", lambda: tuple(Sector.objects.values_list("pk", "name")))


def active_sectors_by_code() -> dict:
    """The fields petitions may be filed under, by code (the API's batches look their filings' fields up here)."""
    from dancoso.petitions.models import Sector

    return sectors_cache.get(
        "active-objects-by-code",
        lambda: {sector.code: sector for sector in Sector.objects.filter(is_active=True)},
    )
