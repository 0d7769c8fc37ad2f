from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = _("Disputes")

    def ready(self):
        from office.notify import register_target

        from .mediation.selectors import visible_cases
        from .screening.selectors import visible_entries

        register_target("disputes:mediation_detail", visible_cases)
        register_target("disputes:entry_detail", visible_entries)

        from jobs.exports import register_export

        from .mediation import case_file  # noqa: F401  (registers the case file's background job, §14)
        from .screening.views import ledger_plan, may_export_ledger

        # A large ledger is written in the background (docs/architecture.md §14).
        register_export("screening_ledger", _("Dispute screening ledger"), ledger_plan, may_export_ledger)
