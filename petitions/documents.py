"""PDF documents of a petition, rendered from templates/pdf/ through office/pdf.py."""
from django.utils import timezone

from office.pdf import render_pdf


def registration_form(petition, *, full):
    """Render the registration form (信访登记表); personal data masked unless ``full``."""
    return render_pdf(
        "pdf/petition_registration.html",
        {"petition": petition, "parties": petition.parties.all(), "full": full, "printed_at": timezone.localtime()},
    )
