"""The brief's sources: the provenance records as a table (the JSON's ``sources``) and as the
HTML footer with each file's sha256, read from the store's provenance (no SQL)."""

from __future__ import annotations

import html
import json

import pandas as pd

from defdip.store import Store

__all__ = ["footer_html", "sources_table"]


def sources_table(store: Store) -> pd.DataFrame:
    return store.provenance()[["name", "title", "publisher", "version", "url", "licence",
                               "citation", "files"]]


def footer_html(store: Store) -> str:
    """Sources and citations from the provenance records, with each file's sha256."""
    rows = []
    for record in sources_table(store).itertuples():
        files = json.loads(record.files)
        digests = ", ".join(f"{f['key']} sha256 {f['sha256'][:12]}…" for f in files)
        rows.append(
            f"<li><b>{html.escape(record.title)}</b> — {html.escape(record.publisher)}, "
            f"{html.escape(record.version)}. <a href=\"{html.escape(record.url)}\">"
            f"{html.escape(record.url)}</a>. Licence: {html.escape(record.licence)}. "
            f"<span class=\"note\">{html.escape(digests)}</span></li>")
    return ("<h2>Sources and citations</h2><ul>" + "".join(rows) + "</ul>"
            "<p>Calculations by defdip from the sources above; they are not the publishers' "
            "own figures. SIPRI data: information from the SIPRI Arms Transfers Database, "
            "https://www.sipri.org/databases/armstransfers.</p>")
