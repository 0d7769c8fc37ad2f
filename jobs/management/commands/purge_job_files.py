"""Delete the files of background jobs older than JOB_FILE_HOURS and mark failed the running jobs whose
worker died (no progress for JOB_STALE_MINUTES); run daily, or every few minutes (docs/deployment.md)."""
from django.core.management.base import BaseCommand

from jobs.services import purge_files, sweep_stalled


class Command(BaseCommand):
    help = ("Delete the files background jobs made more than JOB_FILE_HOURS ago (the job records stay), and mark "
            "failed the running jobs whose progress has not advanced for JOB_STALE_MINUTES (their worker died).")

    def handle(self, *args, **options):
        purge_files()
        sweep_stalled()
