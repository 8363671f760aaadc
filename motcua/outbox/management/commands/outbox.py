from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from motcua.outbox.delivery import deliver_due
from motcua.outbox.models import MessageStatus, OutboxMessage
from motcua.outbox.services import outbox_discard, outbox_retry


class Command(BaseCommand):
    help = "The outbox: list messages, retry or discard dead ones, deliver due ones now."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="verb", required=True)
        ls = sub.add_parser("list", help="messages that are not delivered")
        ls.add_argument("--status", choices=[s.value for s in MessageStatus], default=None)
        ls.add_argument("--channel", default=None)
        for verb in ("retry", "discard"):
            p = sub.add_parser(verb, help=f"{verb} dead messages")
            p.add_argument("ids", nargs="*", type=int)
            p.add_argument("--all-dead", action="store_true")
            p.add_argument("--channel", default=None)
        sub.add_parser("flush", help="deliver every due message in this process now")

    def handle(self, *args: Any, **options: Any) -> None:
        verb = options["verb"]
        if verb == "list":
            qs = OutboxMessage.objects.order_by("id")
            if options["status"]:
                qs = qs.filter(status=options["status"])
            else:
                qs = qs.exclude(
                    Q(status=MessageStatus.DELIVERED) | Q(status=MessageStatus.DISCARDED)
                )
            if options["channel"]:
                qs = qs.filter(channel=options["channel"])
            for m in qs[:1000]:
                self.stdout.write(
                    f"{m.pk}\t{m.channel}\t{m.status}\t{m.attempts}/{m.max_attempts}\t"
                    f"{m.next_attempt_at:%Y-%m-%d %H:%M:%S}\t{m.last_error}"
                )
            return
        if verb == "flush":
            outcomes = deliver_due()
            self.stdout.write(", ".join(f"{k}: {v}" for k, v in sorted(outcomes.items())) or "0")
            return
        qs = OutboxMessage.objects.all()
        if options["all_dead"]:
            qs = qs.filter(status=MessageStatus.DEAD)
        elif options["ids"]:
            qs = qs.filter(pk__in=options["ids"])
        else:
            raise CommandError("give message ids or --all-dead")
        if options["channel"]:
            qs = qs.filter(channel=options["channel"])
        action = outbox_retry if verb == "retry" else outbox_discard
        done = sum(action(message=m) for m in qs.order_by("id"))
        self.stdout.write(f"{done} message(s) {'queued again' if verb == 'retry' else 'discarded'}")
