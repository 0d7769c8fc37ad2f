from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from jobs.exports import register_export

        from .views import may_export, mediation_ledger_plan, petition_ledger_plan

        # Large ledgers are written in the background (docs/architecture.md §14).
        register_export("petition_ledger", _("Petition ledger"), petition_ledger_plan, may_export)
        register_export("mediation_ledger", _("Mediation ledger"), mediation_ledger_plan, may_export)
