from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerImportConfig(AppConfig):
    name = "ledgerimport"
    verbose_name = _("Ledger import")

    def ready(self):
        from jobs.registry import JobKind, register

        from .services import can_import
        from .views import run_import_job, run_preview_job

        # A large ledger is checked and imported in the background (docs/architecture.md §14).
        register(JobKind("ledger_preview", _("Ledger check before import"), run_preview_job, can_import,
                         result_label=_("Open the check")))
        register(JobKind("ledger_import", _("Ledger import"), run_import_job, can_import))
