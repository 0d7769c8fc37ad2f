"""Check that every stored file the database points to is on disk, unchanged where its hash is kept.

Run it after restoring a backup (docs/deployment.md, "Restore drill") and from time to time on the
live server: an issued document whose bytes changed, or an attachment whose file is gone, is a record
the office can no longer produce. Exit status 1 when anything is missing or altered.
"""
import hashlib

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models


def file_fields():
    """Every (model, FileField name) of the project's models."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                yield model, field.name


def sha256_of(stored) -> str:
    digest = hashlib.sha256()
    with stored.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Check that every stored file exists and, where a sha256 is recorded, is unchanged."

    def handle(self, *args, **options):
        problems, checked = [], 0
        for model, name in file_fields():
            hashed = any(field.name == "sha256" for field in model._meta.get_fields())
            label = model._meta.label
            for row in model._default_manager.exclude(**{name: ""}).iterator(chunk_size=2000):
                stored = getattr(row, name)
                checked += 1
                if not stored.storage.exists(stored.name):
                    problems.append(f"{label} {row.pk}: missing {stored.name}")
                elif hashed and sha256_of(stored) != row.sha256:
                    problems.append(f"{label} {row.pk}: {stored.name} differs from the sha256 recorded when it was issued")
        for problem in problems:
            self.stderr.write(problem)
        self.stdout.write(f"{checked} files checked, {len(problems)} missing or altered")
        if problems:
            raise CommandError(f"{len(problems)} stored files are missing or altered")
