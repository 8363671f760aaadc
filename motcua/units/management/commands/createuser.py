import argparse
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.units.services import user_create_or_update


class _RoleAction(argparse.Action):
    """``--role R [--unit U]`` pairs: each --unit belongs to the --role before it."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
        roles = getattr(namespace, "roles", None) or []
        if option_string == "--role":
            roles.append([values, None])
        else:
            if not roles or roles[-1][1] is not None:
                parser.error("--unit must follow the --role it belongs to")
            roles[-1][1] = values
        namespace.roles = roles


class Command(BaseCommand):
    help = "Create or update a user: password, roles (each with its unit) and superuser flag."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", action=_RoleAction, dest="roles", default=[])
        parser.add_argument("--unit", action=_RoleAction, dest="roles")
        parser.add_argument("--superuser", action="store_true")
        parser.add_argument("--email", default="")
        parser.add_argument("--name", default="", help="full name, natural order")
        parser.add_argument("--title", default="", help="staff title (chức danh)")
        parser.add_argument("--phone", default="", help="staff phone")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = user_create_or_update(
                username=options["username"],
                password=options["password"],
                roles=[(role, unit) for role, unit in options["roles"]],
                superuser=options["superuser"],
                email=options["email"],
                full_name=options["name"],
                title=options["title"],
                phone=options["phone"],
            )
        except ValidationError as exc:
            messages = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
            raise CommandError(messages) from exc
        self.stdout.write(f"user {user.get_username()} saved")
