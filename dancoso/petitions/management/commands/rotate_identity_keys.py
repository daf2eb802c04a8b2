"""`manage.py rotate_identity_keys`: re-encrypt every protected identity with the newest key.

Put the new Fernet key in front of FIELD_ENCRYPTION_KEYS (keep the old ones after it), restart, run this
command, then remove the old keys. All rows are re-encrypted in one transaction, or none if one row cannot
be decrypted; the run is written to the ledger (`petitions.rotate_identity_keys`, with the count only).
"""

from django.core.management.base import BaseCommand, CommandError

from dancoso.petitions import services


class Command(BaseCommand):
    help = "Re-encrypt protected identities (denouncers, confidential petitioners) with the newest key."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size", type=int, default=500, help="Rows read and written per batch (default 500)."
        )

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            count = services.rotate_identity_keys(actor=None, batch_size=options["batch_size"])
        except RuntimeError as exc:
            raise CommandError(f"{exc} Nothing was changed.") from exc
        self.stdout.write(
            self.style.SUCCESS(f"Re-encrypted {count} protected identities with the newest key.")
        )
