from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Petitions")

    def ready(self):
        from office.notify import register_target

        from .selectors import visible_petitions

        register_target("petitions:detail", visible_petitions)

        from django.db.models.signals import post_migrate

        from . import dossier  # noqa: F401  (registers the dossier's background job, docs/architecture.md §14)
        from .text_search import ensure

        # SQLite's indexes for the search, made (or mended) after every migrate (petitions/text_search.py).
        post_migrate.connect(ensure, sender=self, dispatch_uid="petitions.text_search")
