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
