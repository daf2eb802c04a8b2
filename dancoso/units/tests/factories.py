import factory

from dancoso.units import services
from dancoso.units.models import Household, Unit, UnitKind


class UnitFactory(factory.django.DjangoModelFactory):
    """Builds units through `services.create_unit` so paths are real."""

    class Meta:
        model = Unit

    kind = UnitKind.COMMUNE
    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs.get("parent") is None and kwargs.get("kind") in (UnitKind.COMMUNE, UnitKind.WARD):
            kwargs["parent"] = ProvinceFactory()
        return services.create_unit(actor=None, **kwargs)


class ProvinceFactory(UnitFactory):
    kind = UnitKind.PROVINCE
    name = factory.Sequence(lambda n: f"Tỉnh Thử {n}")


class VillageFactory(UnitFactory):
    kind = UnitKind.VILLAGE
    name = factory.Sequence(lambda n: f"Thôn {n}")
    parent = factory.SubFactory(UnitFactory)


class HouseholdFactory(factory.django.DjangoModelFactory):
    """Builds households through `services.create_household` so search keys and phones are normalised."""

    class Meta:
        model = Household

    unit = factory.SubFactory(VillageFactory)
    code = factory.Sequence(lambda n: f"HGD{n:05d}")
    address = factory.Sequence(lambda n: f"Số {n}, đường Thử")
    representative_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    representative_phone = factory.Sequence(lambda n: f"09{n:08d}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.create_household(actor=None, **kwargs)
