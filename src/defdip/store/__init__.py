"""The store: the only owner of the database (DuckDB by default).

Everything that opens a connection or runs DDL lives here. Loads replace a source's tables
inside one transaction, so a failed load leaves the previous version intact, and a load whose
raw files and parser are unchanged is skipped, so loading twice changes nothing.
"""

from defdip.store.core import LoadResult, Store, open_store

__all__ = ["LoadResult", "Store", "open_store"]
