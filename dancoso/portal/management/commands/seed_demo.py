"""`python manage.py seed_demo [--scale N]`: build the demo data and print the demo logins."""

import time

from django.core.management.base import BaseCommand, CommandError

from dancoso.disclosure.demo import seed_disclosures
from dancoso.petitions.demo import seed_petitions
from dancoso.plans.demo import seed_plans
from dancoso.portal import demo
from dancoso.reports.demo import seed_reports


class Command(BaseCommand):
    help = (
        "Create realistic demo data (Hải Phòng, An Khánh, Ninh Bình) and a user for every role. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=int, default=1, help="Multiply households and add generated communes."
        )
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, scale: int, quiet_logins: bool, **options):
        if scale < 1:
            raise CommandError("--scale must be 1 or more")
        started = time.monotonic()
        report = demo.seed(scale=scale)
        petitions = seed_petitions(scale=scale)
        disclosures = seed_disclosures(scale=scale)
        plans = seed_plans(scale=scale)
        reports = seed_reports()
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Demo data ready in {elapsed:.1f}s: {report.units_created} units, "
            f"{report.households_created} households, {report.users_created} users, "
            f"{petitions.petitions_created} petitions, {petitions.sessions_created} reception sessions and "
            f"{petitions.visits_created} reception book entries created; disclosure: "
            f"{disclosures.publications_created} publications ({disclosures.postings_created} postings, "
            f"{disclosures.postings_confirmed_with_photo} confirmed with a photo), "
            f"{disclosures.plans_created} disclosure plans, {disclosures.quarterly_lists_created} quarterly lists; "
            f"plans: {plans.plans_created} plans ({plans.indicators_created} indicators, {plans.tasks_created} "
            f"tasks, {plans.values_entered} values entered, {plans.task_reports_created} task reports); "
            f"{reports.reports_created} six-month reports ({reports.submitted} submitted, {reports.returned} returned)."
        )
        if not quiet_logins:
            self.print_logins(report)

    def print_logins(self, report: demo.SeedReport) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Demo logins (password for all: {demo.DEMO_PASSWORD})"))
        width = max(len(login.username) for login in report.logins)
        for login in report.logins:
            where = f" @ {login.unit_code}" if login.unit_code else ""
            self.stdout.write(
                f"  {login.username.ljust(width)}  {login.full_name} — {login.description}{where}"
            )
        self.stdout.write("")
