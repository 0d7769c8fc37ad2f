from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from fixtures import demo, demo_county


class Command(BaseCommand):
    help = "Load the demo township (青溪镇) with its accounts, if the database has none yet."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when demo data exists.")

    def handle(self, *args, **options):
        if demo.is_loaded():
            self.stdout.write(_("Demo data is already loaded."))
            return
        self.stdout.write(_("Creating the demo township and taking its cases through the workflow (about a minute)…"))
        demo.load()
        self.stdout.write(self.style.SUCCESS(_("Demo data loaded.")))
        self.stdout.write(
            _("Demo accounts: %(users)s — password: %(password)s")
            % {"users": ", ".join([p[0] for p in demo.PEOPLE] + [p[0] for p in demo_county.SHIQIAO_PEOPLE]
                                  + [p[0] for p in demo_county.COUNTY_PEOPLE]), "password": demo.DEMO_PASSWORD}
        )
