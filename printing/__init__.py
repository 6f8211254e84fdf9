"""Printed papers of a case: the application, the receipt for documents and the issuance slip.

Pure functions from (the catalog version a case was filled with, the case) to PDF bytes, and
a thin module that hands a PDF to the operating system's printer. This package imports
`forms` and never `workstation`: the store's adapter builds a `CaseView` and calls these.

    catalog = catalog_for(case, library)          # the version the case was filled with
    pdf = render_application(catalog, case)
    job = send_to_printer(pdf, prints_dir, f"{case.number}-application", printer="HP")
"""

from printing.application import render_application
from printing.case_form import VersionMismatch, catalog_for
from printing.case_view import (
    CaseView,
    FeeView,
    IssuanceView,
    Notification,
    OfficeView,
    PersonName,
    PresentedDocument,
    Specialist,
    documents_from_rows,
)
from printing.issuance import render_issuance
from printing.printers import (
    Printer,
    PrinterError,
    PrintJob,
    default_printer,
    keep_pdf,
    list_printers,
    print_pdf,
    send_to_printer,
)
from printing.receipt import render_receipt

__all__ = [
    "CaseView",
    "FeeView",
    "IssuanceView",
    "Notification",
    "OfficeView",
    "PersonName",
    "PresentedDocument",
    "PrintJob",
    "Printer",
    "PrinterError",
    "Specialist",
    "VersionMismatch",
    "catalog_for",
    "default_printer",
    "documents_from_rows",
    "keep_pdf",
    "list_printers",
    "print_pdf",
    "render_application",
    "render_issuance",
    "render_receipt",
    "send_to_printer",
]
