from django.core.management.base import BaseCommand

from dancoso.accounts.matrix import render_roles_matrix, roles_doc_path


class Command(BaseCommand):
    help = "Print the role × permission matrix as Markdown; with --write, save it to docs/roles.md."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help="write docs/roles.md instead of printing")

    def handle(self, *args, write: bool = False, **options):
        text = render_roles_matrix()
        if not write:
            self.stdout.write(text, ending="")
            return
        path = roles_doc_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {path}"))
