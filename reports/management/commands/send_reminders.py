from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from reports import reminders


class Command(BaseCommand):
    help = ("Write today's reminder digest for each person (due-soon and overdue cases, pending sign-offs and "
            "decisions, mediation deadlines, missing screening rounds) and e-mail it once per day.")

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Show what would be sent and how many e-mails; send and store nothing.")

    def handle(self, *args, dry_run=False, **options):
        today = timezone.localdate()
        people, messages, mails = reminders.send(today, dry_run=dry_run, out=self.stdout)
        summary = _("%(people)d people, %(messages)d reminders, %(mails)d e-mails") % {
            "people": people, "messages": messages, "mails": mails}
        self.stdout.write((_("Dry run: would send ") if dry_run else _("Sent: ")) + summary)
