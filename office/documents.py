"""Issue and store legal documents (docs/architecture.md §4): rendered once, kept with their sha256."""
from io import BytesIO

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from .models import DocumentSeries, IssuedDocument
from .numbering import DocumentCounter, next_number
from .pdf import render_pdf, sha256_of

# The prefix of each numbered kind after the township's first character, e.g. 青 + 信受 → 青信受〔2026〕12号.
# An administrator sets a township's own prefixes in 系统管理 (``DocumentSeries``).
DEFAULT_PREFIXES = {
    "acceptance_notice": "信受",
    "non_acceptance_notice": "信不受",
    "forward_notice": "信转",
    "extension_notice": "信延",
    "reply": "信复",
    "report_back": "信报",
}


def prefix_for(township, kind):
    """The number prefix of this kind of document in this township (系统管理, else the default)."""
    series = DocumentSeries.objects.filter(township=township, kind=kind).first()
    if series is not None:
        return series.prefix
    return f"{township.short_name[:1]}{DEFAULT_PREFIXES.get(kind, '信')}"


def take_document_number(township, kind, year):
    """Take the next 文号 of this township, kind and year (gap-free: see office.numbering)."""
    number = next_number(DocumentCounter, township=township, kind=kind, year=year)
    return f"{prefix_for(township, kind)}〔{year}〕{number}号"


def count_pages(data):
    """Return the number of pages of a PDF."""
    return len(PdfReader(BytesIO(data)).pages)


def issue_document(target, *, kind, title, template, context, by, township, supersedes=None, numbered=False):
    """Render a document for ``target`` and store it; return the IssuedDocument.

    A ``numbered`` document takes its 文号 first and prints it (``doc_number`` in the template).
    Call inside the step's transaction: the number is kept only if the step commits.
    """
    number = ""
    if numbered:
        number = take_document_number(township, kind, timezone.localdate().year)
    data = render_pdf(template, {**context, "doc_number": number})
    return store_document(target, kind=kind, title=title, data=data, by=by, township=township,
                          supersedes=supersedes, number=number)


def store_document(target, *, kind, title, data, by, township, supersedes=None, number=""):
    """Store already rendered PDF bytes as an issued document of ``target``."""
    document = IssuedDocument(
        number=number,
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

    ``parts`` is [(title, pdf bytes)] or [(title, pdf bytes, 文号)], in order; ``render_front(entries, total)`` renders the front
    matter for entries [{"title", "number", "first", "last"}] and the total page count. The front matter is
    rendered again until its own length, which shifts every page number after it, is stable.
    Every page of the result then carries its number in the file, "本卷第 N 页 / 共 M 页"
    (docs/domain.md §6).
    """
    parts = [(part[0], part[1], part[2] if len(part) > 2 else "") for part in parts]
    counts = [count_pages(data) for _title, data, _number in parts]
    for _attempt in range(3):
        entries, page = [], front_pages + 1
        for (title, _data, number), count in zip(parts, counts):
            entries.append({"title": title, "number": number, "first": page, "last": page + count - 1})
            page += count
        front = render_front(entries, page - 1)
        actual = count_pages(front)
        if actual == front_pages:
            break
        front_pages = actual
    writer = PdfWriter()
    for data in [front] + [data for _title, data, _number in parts]:
        for pdf_page in PdfReader(BytesIO(data)).pages:
            writer.add_page(pdf_page)
    # Number the whole file (本卷第 N 页 / 共 M 页, top right), the numbers the contents give; the
    # documents inside keep their own footers, as served.
    stamps = PdfReader(BytesIO(render_pdf("pdf/_file_page_numbers.html", {"pages": range(len(writer.pages))}))).pages
    for pdf_page, stamp in zip(writer.pages, stamps):
        pdf_page.merge_page(stamp)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
