"""PDF documents of dispute screening: the monthly analysis brief (研判例会材料)."""
from django.utils import timezone

from office.pdf import render_pdf


def brief_pdf(brief, *, township):
    """Render the monthly analysis brief as an A4 PDF."""
    return render_pdf(
        "pdf/disputes_brief.html", {"brief": brief, "township": township, "printed_on": timezone.localdate()}
    )
