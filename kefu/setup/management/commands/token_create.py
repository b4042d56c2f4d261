from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kefu.accounts.services import token_create


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it once (kefu token create USERNAME)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, username, name, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户不存在 / unknown user: {username}")
        self.stdout.write(token_create(user=user, name=name))
