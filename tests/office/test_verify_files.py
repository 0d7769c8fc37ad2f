"""manage.py verify_files: the check an operator runs after restoring a backup (docs/deployment.md)."""
import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from pypdf import PdfWriter

from office.documents import store_document
from office.roles import CLERK
from petitions.models import Attachment
from tests.builders import make_township, make_user, register_petition

pytestmark = pytest.mark.django_db


def one_page_pdf() -> bytes:
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


def test_reports_a_missing_attachment_and_an_altered_document_and_passes_when_all_is_there(capsys):
    township = make_township()
    clerk = make_user(CLERK, township)
    petition = register_petition(clerk)
    document = store_document(petition, kind="test", title="受理告知书", data=one_page_pdf(),
                              by=clerk, township=township)
    attachment = Attachment(petition=petition, uploaded_by=clerk, original_name="信.pdf", size=8,
                            content_type="application/pdf")
    attachment.file.save("letter.pdf", ContentFile(b"%PDF-1.4"), save=True)

    call_command("verify_files")
    assert "2 files checked, 0 missing or altered" in capsys.readouterr().out

    with document.file.storage.open(document.file.name, "wb") as handle:
        handle.write(b"%PDF-1.4 changed")
    attachment.file.storage.delete(attachment.file.name)
    with pytest.raises(CommandError, match="2 stored files"):
        call_command("verify_files")
    captured = capsys.readouterr()
    assert f"office.IssuedDocument {document.pk}: {document.file.name} differs" in captured.err
    assert f"petitions.Attachment {attachment.pk}: missing {attachment.file.name}" in captured.err
