"""A burst of writes to the multi-user record, run as a child process by the crash tests.

``python tests/pg_writer.py URL USER_ID`` writes forever: each round one transaction of five
new records (one batch) and then an update of the batch's first record. After each commit it
prints one JSON line — so a line printed is a write PostgreSQL acknowledged.
"""

from __future__ import annotations

import json
import sys
from datetime import date

import pandas as pd

from defdip.engagements.model import conform_actors, conform_engagements
from defdip.store.postgres import PostgresStore

BATCH = 5


def batch_frames(number: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Five exercises of Türkiye with Greece, keyed ``burst <number> <i>``."""
    rows, people = [], []
    for i in range(BATCH):
        key = f"burst {number} {i}"
        rows.append({"id": key, "kind": "exercise", "name": key, "start": date(2024, 1, 1),
                     "start_precision": "day", "source": "entered", "origin": "entered",
                     "url": "https://example.org/burst", "natural_key": key,
                     "classification": "RESTRICTED", "owner_nation": "TUR",
                     "releasable_to": ["NATO"]})
        people += [{"engagement_id": key, "iso3": "TUR", "ccode": 640, "label": "Türkiye",
                    "role": "host"},
                   {"engagement_id": key, "iso3": "GRC", "ccode": 350, "label": "Greece",
                    "role": "participant"}]
    return conform_engagements(pd.DataFrame(rows)), conform_actors(pd.DataFrame(people))


def main() -> None:
    url, user_id = sys.argv[1], int(sys.argv[2])
    store = PostgresStore(url, pool_size=2)
    who = store.principal_of(user_id)
    number = 0
    while True:
        number += 1
        engagements, actors = batch_frames(number)
        done = store.upsert_records(engagements, actors, principal=who)
        print(json.dumps({"batch": number, "ids": done["ids"]}), flush=True)
        first = store.get_record(done["ids"][0], principal=who)
        row = {k: first[k] for k in ("kind", "name", "natural_key", "start", "start_precision",
                                     "source", "url", "classification", "owner_nation",
                                     "releasable_to")} | {"notes": f"updated in {number}"}
        updated = store.update_record(first["id"], first["version"], row, first["actors"],
                                      principal=who)
        print(json.dumps({"updated": first["id"], "version": updated["version"],
                          "notes": row["notes"]}), flush=True)


if __name__ == "__main__":
    main()
