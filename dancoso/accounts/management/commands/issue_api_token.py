from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from dancoso.accounts import services
from dancoso.accounts.models import User


class Command(BaseCommand):
    help = "Issue a new API token for an integration account and print it; the account's old token stops working."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            raise CommandError(f"No user with the username {username!r}.")
        try:
            key = services.issue_api_token(actor=None, user=user)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(key)
