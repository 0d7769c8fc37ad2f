"""manage.py import_ledger FILE --kind petitions --township CODE [--dry-run] [--user NAME]

The browser's import for large files (docs/domain.md §9): the same reading, checks and writing, in
one pass over the file with a progress bar, then the report of what was imported and refused
(--dry-run: the report only, nothing written). The column mapping is the one
recognised or the one last saved in the browser for a sheet of this shape.
"""
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from ledgerimport import services
from ledgerimport.engine import LedgerError, Preview
from ledgerimport.kinds import KINDS
from office.models import Township
from office.roles import ADMIN, COORDINATOR, ROLE_GROUPS


class Command(BaseCommand):
    help = "Import a ledger kept before the system (.xlsx, .xls or .csv) into a township."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--kind", required=True, choices=[k for k, kind in KINDS.items() if kind.importable])
        parser.add_argument("--township", required=True, help="the township's code or name")
        parser.add_argument("--user", help="the staff member recorded as importing (default: the township's administrator)")
        parser.add_argument("--dry-run", action="store_true", help="check and report; write nothing")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        township = Township.objects.filter(Q(code=options["township"]) | Q(name=options["township"])).first()
        if township is None:
            raise CommandError(f"no township {options['township']!r}")
        user = self._user(township, options.get("user"))
        try:
            batch, ledger = services.start(by=user, kind=options["kind"], file_name=path.name,
                                           data=path.read_bytes(), township=township)
            problems = ledger.mapping_problems()
            self._print_mapping(ledger)
            if problems:
                raise LedgerError(" ".join(problems))
            result = ledger.preview() if options["dry_run"] else None
        except LedgerError as error:
            raise CommandError(str(error)) from error
        if options["dry_run"]:
            self._print_preview(result)
            batch.file.delete(save=False)
            batch.delete()
            self.stdout.write("dry run: nothing written")
            return
        # The file is read once: checked and written in the same pass, the report printed after it.
        total = max((ledger.size or 0) - ledger.layout.last_header_row, 0)

        def progress(done, read):
            width = 40
            filled = min(int(width * read / total), width) if total else width
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {read}/{max(total, read)} rows, {done} imported")
            sys.stderr.flush()

        result = Preview()
        try:
            batch = services.confirm(batch, by=user, progress=progress, checked=False, preview=result)
        except LedgerError as error:
            raise CommandError(str(error)) from error
        sys.stderr.write("\n")
        self._print_preview(result)
        self.stdout.write(f"batch {batch.pk}: {batch.imported_count} imported, {batch.present_count} already present "
                          f"or repeated, {batch.refused_count} refused")

    def _user(self, township, username):
        users = get_user_model().objects.filter(is_active=True)
        if username:
            user = users.filter(username=username, staff__township=township).first()
            if user is None:
                raise CommandError(f"no staff member {username!r} in {township.name}")
            return user
        for role in (ADMIN, COORDINATOR):
            user = users.filter(staff__township=township, groups__name=ROLE_GROUPS[role]).order_by("pk").first()
            if user is not None:
                return user
        raise CommandError(f"{township.name} has no administrator: name one with --user")

    def _print_mapping(self, ledger):
        fields = {f.key: f.label for f in ledger.kind.fields}
        for _index, name, key in ledger.columns:
            target = fields.get(key, "-") if key and key != "-" else "-"
            self.stdout.write(f"  {name} -> {target}")

    def _print_preview(self, result):
        self.stdout.write(f"{result.total} rows read: {result.accepted} to import, {len(result.present)} already present, "
                          f"{len(result.duplicates)} repeated in the file, {result.refused_rows} refused")
        for problem in result.refused:
            self.stdout.write(f"  row {problem.row} {problem.column}: {problem.reason}")
        for key, values in result.unknown.items():
            self.stdout.write(f"  unknown {key}: " + "、".join(f"{value} ({count})" for value, count in values.items()))
