from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerImportConfig(AppConfig):
    name = "ledgerimport"
    verbose_name = _("Ledger import")
