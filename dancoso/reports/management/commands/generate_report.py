"""python manage.py generate_report --unit <code or slug> --type <type slug> --period 2026-H1 --out report.docx
python manage.py generate_report --list-types"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.translation import gettext as _

from dancoso.reports import exports
from dancoso.reports.document import PdfUnavailable
from dancoso.reports.models import ReportType
from dancoso.reports.periods import Period
from dancoso.units.models import Unit


class Command(BaseCommand):
    help = (
        "Write a unit's report for a period as .docx, .pdf or .xlsx: the current report when the unit has one, "
        "otherwise a draft from today's data (not saved)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--list-types", action="store_true", help="print the report type slugs and stop")
        parser.add_argument("--unit", help="the unit's official code or slug")
        parser.add_argument("--type", dest="report_type", help="the report type's slug (see --list-types)")
        parser.add_argument("--period", help="2026-H1, 2026-H2 or 2026")
        parser.add_argument("--out", help="the file to write: .docx, .pdf or .xlsx")

    def handle(self, *args, **options):
        if options["list_types"]:
            for report_type in ReportType.objects.filter(is_active=True):
                self.stdout.write(
                    f"{report_type.slug}\t{report_type.get_period_kind_display()}\t{report_type.name}"
                )
            return
        missing = [name for name in ("unit", "report_type", "period", "out") if not options[name]]
        if missing:
            names = ", ".join(f"--{name.replace('report_type', 'type')}" for name in missing)
            raise CommandError(_("Missing options: %(names)s.") % {"names": names})
        unit = Unit.objects.filter(Q(code=options["unit"]) | Q(slug=options["unit"])).first()
        if unit is None:
            raise CommandError(_("No unit has the code or slug “%(unit)s”.") % {"unit": options["unit"]})
        report_type = ReportType.objects.filter(slug=options["report_type"]).first()
        if report_type is None:
            known = ", ".join(ReportType.objects.values_list("slug", flat=True))
            raise CommandError(
                _("No report type “%(type)s”. The types: %(known)s.")
                % {"type": options["report_type"], "known": known}
            )
        try:
            period = str(Period.parse(options["period"]))
        except ValueError as error:
            raise CommandError(str(error)) from error
        out = Path(options["out"])
        file_format = out.suffix.lower().lstrip(".")
        if file_format not in exports.FORMATS:
            raise CommandError(_("The output file must end in .docx, .pdf or .xlsx."))
        try:
            content = exports.render_live(
                unit=unit, report_type=report_type, period=period, file_format=file_format
            )
        except (ValidationError, PdfUnavailable) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from error
        out.write_bytes(content)
        self.stdout.write(f"{out} ({len(content):,} bytes)")
