from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from dancoso.petitions import open311_keys
from dancoso.units.models import Unit


class Command(BaseCommand):
    help = (
        "Issue an Open311 API key for an integration, valid for a unit and the units below it. "
        "The key is printed once and cannot be shown again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The integration, e.g. 'Zalo mini app'.")
        parser.add_argument("--unit", required=True, help="The unit's official code or its slug.")

    def handle(self, *args, name: str, unit: str, **options):
        target = Unit.objects.filter(Q(code=unit.strip()) | Q(slug=unit.strip())).first()
        if target is None:
            raise CommandError(f"No unit with the code or slug {unit!r}.")
        try:
            issued = open311_keys.issue_key(name=name, unit=target, actor=None)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stderr.write(
            f"Open311 key {issued.key.prefix}… issued for {issued.key.name} ({target.name}). "
            "Copy it now: it is not stored and cannot be shown again."
        )
        self.stdout.write(issued.plain)
