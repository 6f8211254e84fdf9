"""`printing` imports `forms` and never `workstation` (an architecture rule) nor tkinter."""

from __future__ import annotations

import subprocess
import sys


def test_printing_does_not_import_the_workstation():
    code = (
        "import sys, printing, printing.preview, printing.printers, printing.a5_card, printing.issuance\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('workstation', 'tkinter', 'sync'))\n"
        "print(','.join(bad))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
