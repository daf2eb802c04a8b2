"""`manage.py verify_ledger`: prove that no ledger entry was edited or deleted.

Exits 0 and prints "Ledger intact: N entries" when the chain holds; otherwise exits 1 naming the first bad
entry (its sequence number and why), so cron or monitoring can alert on the exit status.
"""

from django.core.management.base import BaseCommand, CommandError

from dancoso.core import ledger


class Command(BaseCommand):
    help = (
        "Verify the hash chain of the audit ledger; exit non-zero naming the first edited or missing entry."
    )

    def handle(self, *args, **options):
        check = ledger.verify()
        if check.problem is not None:
            raise CommandError(
                f"Ledger broken at entry #{check.problem.seq}: {check.problem.reason} "
                f"({check.entries_checked} entries before it are intact)",
                returncode=1,
            )
        self.stdout.write(self.style.SUCCESS(f"Ledger intact: {check.entries_checked} entries"))
