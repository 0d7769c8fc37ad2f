"""Delete the files of background jobs older than JOB_FILE_HOURS (run daily; docs/deployment.md)."""
from django.core.management.base import BaseCommand

from jobs.services import purge_files


class Command(BaseCommand):
    help = "Delete the files background jobs made more than JOB_FILE_HOURS ago (the job records stay)."

    def handle(self, *args, **options):
        purge_files()
