"""The import's writes (docs/domain.md §9): each a POST, permission-checked and atomic."""
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from office.roles import ADMIN, COORDINATOR, has_role

from .engine import Ledger, LedgerError, kind_module, run_import, save_mapping, sha256
from .models import ImportBatch


def can_import(user):
    """Administrators and the township center (综治中心) import ledgers."""
    return (getattr(user, "staff", None) is not None and user.has_perm("ledgerimport.import_ledger")
            and has_role(user, ADMIN, COORDINATOR))


def start(*, by, kind, file_name, data, township=None):
    """Check the file and keep it as a draft batch; nothing is imported yet. Raises LedgerError."""
    if township is None:
        if not can_import(by):
            raise PermissionDenied
        township = by.staff.township
    ledger = Ledger(data, kind, township)  # refuses what cannot be read as this ledger
    batch = ImportBatch(township=township, kind=kind, file_name=file_name[:200], sha256=sha256(data),
                        size=len(data), created_by=by, mapping=ledger.mapping)
    batch.file.save(file_name, ContentFile(data), save=False)
    batch.save()
    return batch, ledger


def _draft(batch, by):
    if not can_import(by) or batch.township_id != by.staff.township_id:
        raise PermissionDenied
    if batch.state != ImportBatch.State.DRAFT:
        raise LedgerError(_("This file has already been imported."))


@transaction.atomic
def set_mapping(batch, *, by, mapping, remember):
    _draft(batch, by)
    batch.mapping = mapping
    batch.save(update_fields=["mapping"])
    if remember:
        from .engine import ledger_for

        save_mapping(ledger_for(batch))
    return batch


@transaction.atomic
def set_value_map(batch, *, by, value_map):
    _draft(batch, by)
    batch.value_map = value_map
    batch.save(update_fields=["value_map"])
    return batch


def confirm(batch, *, by, progress=None, checked=True, preview=None):
    """Import the batch's accepted rows (one transaction); raises LedgerError and writes nothing on failure.

    ``checked=False`` is for the command line, run by whoever administers the server."""
    if checked:
        _draft(batch, by)
    return run_import(batch, by=by, progress=progress, preview=preview)


@transaction.atomic
def undo(batch, *, by):
    """Undo an import while none of its cases has been changed since; raises LedgerError otherwise."""
    if not can_import(by) or batch.township_id != by.staff.township_id:
        raise PermissionDenied
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != ImportBatch.State.IMPORTED:
        raise LedgerError(_("Only an imported batch can be undone."))
    module = kind_module(batch.kind)
    changed = [module.case_label(case) for case in module.changed_cases(batch)[:10]]
    if changed:
        raise LedgerError(_("Cases of this import have been worked on since (%(numbers)s): it can no longer be undone.")
                          % {"numbers": "、".join(changed)})
    if not module.undo(batch, by):
        transaction.set_rollback(True)
        raise LedgerError(_("Cases have been numbered after this import in the same year: undoing it would leave "
                            "a gap in the numbers."))
    batch.state = ImportBatch.State.UNDONE
    batch.undone_at, batch.undone_by = timezone.now(), by
    batch.save(update_fields=["state", "undone_at", "undone_by"])
    return batch
