"""Issue and store legal documents (docs/architecture.md §4): rendered once, kept with their sha256."""
from io import BytesIO

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from .models import IssuedDocument
from .pdf import render_pdf, sha256_of


def count_pages(data):
    """Return the number of pages of a PDF."""
    return len(PdfReader(BytesIO(data)).pages)


def issue_document(target, *, kind, title, template, context, by, township, supersedes=None):
    """Render a document for ``target`` and store it; return the IssuedDocument."""
    data = render_pdf(template, context)
    return store_document(target, kind=kind, title=title, data=data, by=by, township=township, supersedes=supersedes)


def store_document(target, *, kind, title, data, by, township, supersedes=None):
    """Store already rendered PDF bytes as an issued document of ``target``."""
    document = IssuedDocument(
        township=township,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        kind=kind,
        title=title,
        sha256=sha256_of(data),
        size=len(data),
        pages=count_pages(data),
        version=(supersedes.version + 1) if supersedes else 1,
        supersedes=supersedes,
        issued_at=timezone.now(),
        issued_by=by,
    )
    document.file.save(f"{document.sha256}.pdf", ContentFile(data), save=False)
    document.save()
    return document


def documents_of(target):
    """Return the documents issued for ``target``, oldest first."""
    return IssuedDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    ).select_related("issued_by")


def read_document(document):
    """Return the stored bytes, checking them against the sha256 recorded at issue."""
    with document.file.open("rb") as handle:
        data = handle.read()
    if sha256_of(data) != document.sha256:
        raise ValueError(f"stored document {document.pk} does not match its sha256")
    return data


def assemble_dossier(parts, render_front, *, front_pages=2):
    """Join PDFs behind front matter (cover and contents) that gives each part's pages; return the bytes.

    ``parts`` is [(title, pdf bytes)], in order; ``render_front(entries, total)`` renders the front
    matter for entries [{"title", "first", "last"}] and the total page count. The front matter is
    rendered again until its own length, which shifts every page number after it, is stable.
    """
    counts = [count_pages(data) for _title, data in parts]
    for _attempt in range(3):
        entries, page = [], front_pages + 1
        for (title, _data), count in zip(parts, counts):
            entries.append({"title": title, "first": page, "last": page + count - 1})
            page += count
        front = render_front(entries, page - 1)
        actual = count_pages(front)
        if actual == front_pages:
            break
        front_pages = actual
    writer = PdfWriter()
    for data in [front] + [data for _title, data in parts]:
        for pdf_page in PdfReader(BytesIO(data)).pages:
            writer.add_page(pdf_page)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
