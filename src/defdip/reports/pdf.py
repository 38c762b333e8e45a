"""PDF output: the brief's HTML printed by headless Chromium with the page's A4 print CSS.

Without Chromium the documented path is the browser's own: open the HTML brief and print it
to PDF (A4); the print stylesheet starts the sections after the first page, keeps figures and
table rows whole and wraps wide tables.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from defdip.errors import InvalidArgument
from defdip.paths import writing_output

__all__ = ["CHROMIUM_ARGS", "chromium", "html_to_pdf"]

CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run")


def chromium() -> str | None:
    """The Chromium to print with: ``$DEFDIP_CHROMIUM``, else ``chromium`` on the PATH."""
    return os.environ.get("DEFDIP_CHROMIUM") or shutil.which("chromium") or \
        shutil.which("chromium-browser")


def html_to_pdf(html_text: str, out: Path, *, timeout: float = 120.0) -> Path:
    """Print ``html_text`` to ``out`` (A4) with headless Chromium."""
    browser = chromium()
    if browser is None:
        raise InvalidArgument("--format pdf needs Chromium (`apt-get install chromium`, or set "
                              "DEFDIP_CHROMIUM). Without it, write the HTML brief and print it "
                              "to PDF from a browser (A4): the print layout is built in.")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "brief.html"
        page.write_text(html_text, encoding="utf-8")
        pdf = Path(tmp) / "brief.pdf"
        run = subprocess.run([browser, *CHROMIUM_ARGS, "--no-pdf-header-footer",
                              f"--print-to-pdf={pdf}", page.as_uri()],
                             capture_output=True, timeout=timeout, check=False)
        if not pdf.is_file():
            raise InvalidArgument(f"Chromium ({browser!r}) did not print the brief (exit "
                                  f"{run.returncode}): {run.stderr.decode()[-300:]}")
        with writing_output(out, force=True) as partial:  # the caller checked ``out``
            shutil.copyfile(pdf, partial)
    return out
