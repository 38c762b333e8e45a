"""Writes with history in the multi-user record: the walk-through of the issue, optimistic
concurrency, soft deletion, the draft → approved workflow, valid-time history and the audit
log — against a real PostgreSQL server, read back through the same service layer every face
uses."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from defdip.errors import DefdipError, Forbidden, RecordExists, StaleVersion
from defdip.service import accounts, entries, oversight, reads
from defdip.service.context import Context

EXERCISE = {
    "kind": "exercise", "name": "Anatolian Test Eagle", "start": "2023-06-12",
    "end": "2023-06-23", "domain": "air", "location": "Konya",
    "actors": [{"country": "TUR", "role": "host"}, {"country": "DEU", "role": "participant"}],
    "source": {"url": "https://example.org/anatolian-test-eagle"},
    "classification": "RESTRICTED", "releasable_to": ["NATO"],
}


@pytest.fixture()
def people(pg_db, tmp_path) -> dict[str, Context]:
    """An admin and an approver of Türkiye, two TUR editors, a German NATO viewer and a
    Russian viewer cleared SECRET (no group) — each a context as that user. (No passwords:
    argon2 takes ~1 s a hash here; tests/test_accounts.py logs in.)"""
    base = Context(tmp_path / "none.duckdb", database_url=pg_db.app_url)
    store = base.record_store()

    def user(name: str) -> Context:
        row = store.user_row(name)
        return base.as_user(store.principal_of(int(row["id"])))

    accounts.add_user(base, "ayse", nationality="TUR", clearance="SECRET", groups=["NATO"])
    admin = user("ayse")
    users = {"elif": ("TUR", "RESTRICTED", ["NATO"], "editor"),
             "emre": ("TUR", "RESTRICTED", ["NATO"], "editor"),
             "hans": ("DEU", "RESTRICTED", ["NATO"], "viewer"),
             "ivan": ("RUS", "SECRET", [], "viewer")}
    for name, (nation, clearance, groups, role) in users.items():
        accounts.add_user(admin, name, nationality=nation, clearance=clearance, groups=groups)
        accounts.set_grant(admin, name, role, "*")
    accounts.set_grant(admin, "ayse", "approver", "*")
    return {"ayse": user("ayse"), **{name: user(name) for name in users}, "anonymous": base}


def _names(ctx: Context) -> list[str]:
    return sorted(reads.list_records(ctx).table["name"])


def test_the_walk_through(people):
    elif_, ayse, hans, ivan = (people[n] for n in ("elif", "ayse", "hans", "ivan"))
    made = entries.create_record(elif_, EXERCISE).document
    assert (made["version"], made["status"], made["owner_nation"]) == (1, "draft", "TUR")
    assert made["releasable_to"] == ["NATO"] and made["etag"] == f'"{made["id"]}-v1"'
    assert _names(hans) == []  # a draft counts nowhere yet
    approved = entries.approve_record(ayse, made["id"], made["etag"]).document
    assert approved["status"] == "approved" and approved["version"] == 2
    # seen by the German NATO member, not by the Russian (cleared SECRET, not in NATO), in
    # lists and in counts alike
    assert _names(hans) == _names(elif_) == ["Anatolian Test Eagle"]
    assert _names(ivan) == _names(people["anonymous"]) == []
    for ctx, partners in ((hans, ["DEU"]), (ivan, [])):
        profile = reads.profile(ctx, "TUR", 2023).table
        assert list(profile["partner"]) == partners
    # edit it twice; read its history and the audit log
    first = entries.update_record(elif_, made["id"], {**EXERCISE, "location": "Konya AB"},
                                  approved["etag"]).document
    second = entries.update_record(elif_, made["id"], {**EXERCISE, "location": "Konya AB",
                                                       "scale": {"personnel": 450}},
                                   first["etag"]).document
    assert (first["version"], second["version"], second["status"]) == (3, 4, "draft")
    history = entries.record_history(hans, made["id"]).document
    assert [(v["version"], v["status"], v["written_by"]) for v in history] == [
        (1, "draft", "elif"), (2, "approved", "ayse"), (3, "draft", "elif"),
        (4, "draft", "elif")]
    assert history[2]["changed"] == ["location", "status"]
    assert history[3]["changed"] == ["scale"]
    assert history[1]["valid_to"] == history[2]["valid_from"]
    audit = oversight.audit_log(ayse, record_id=made["id"]).table
    assert list(audit["action"]) == ["read", "update", "update", "approve", "create"]
    assert audit.iloc[2]["before"]["location"] == "Konya"
    assert audit.iloc[2]["after"]["location"] == "Konya AB"


def test_two_editors_on_one_record_one_gets_412_and_nothing_is_lost(people):
    elif_, emre = people["elif"], people["emre"]
    made = entries.create_record(elif_, EXERCISE).document
    read_by_elif = entries.get_record(elif_, made["id"]).document
    read_by_emre = entries.get_record(emre, made["id"]).document
    entries.update_record(elif_, made["id"], {**EXERCISE, "location": "Konya AB"},
                          read_by_elif["etag"])
    with pytest.raises(StaleVersion) as stale:
        entries.update_record(emre, made["id"], {**EXERCISE, "domain": "joint"},
                              read_by_emre["etag"])
    assert stale.value.expected == 1 and stale.value.current["version"] == 2
    assert stale.value.current["location"] == "Konya AB"  # the winner's change, in hand
    merged = entries.update_record(emre, made["id"], {**EXERCISE, "location": "Konya AB",
                                                      "domain": "joint"},
                                   entries.etag_of(stale.value.current)).document
    assert (merged["location"], merged["domain"], merged["version"]) == ("Konya AB", "joint", 3)


def test_delete_is_soft_and_restorable(people):
    elif_, ayse, hans = people["elif"], people["ayse"], people["hans"]
    made = entries.create_record(elif_, EXERCISE).document
    live = entries.approve_record(ayse, made["id"], 1).document
    gone = entries.delete_record(elif_, made["id"], live["etag"]).document
    assert gone["deleted"] and _names(hans) == []
    assert entries.get_record(hans, made["id"]).document["deleted"] is True
    with pytest.raises(DefdipError, match="it is deleted: restore it first"):
        entries.update_record(elif_, made["id"], EXERCISE, gone["etag"])
    back = entries.restore_record(elif_, made["id"], gone["etag"]).document
    assert not back["deleted"] and back["status"] == "approved" and _names(hans) == [
        "Anatolian Test Eagle"]


def test_only_the_owner_nation_writes_and_no_one_writes_above_their_clearance(people):
    elif_, ayse, hans = people["elif"], people["ayse"], people["hans"]
    made = entries.create_record(elif_, EXERCISE).document
    with pytest.raises(Forbidden, match="'hans' holds no editor role"):
        entries.update_record(hans, made["id"], EXERCISE, 1)
    with pytest.raises(Forbidden, match="owner_nation 'TUR': you enter records for your own"):
        entries.create_record(hans, {**EXERCISE, "owner_nation": "TUR"})
    # the database refuses too, whatever the service checked: elif (RESTRICTED) may not write
    # a SECRET record, one she could not read back
    with pytest.raises(Forbidden, match="row-level security"):
        entries.create_record(elif_, {**EXERCISE, "name": "Too high",
                                      "classification": "SECRET"})
    with pytest.raises(Forbidden, match="'elif' holds no approver role"):
        entries.approve_record(elif_, made["id"], 1)
    with pytest.raises(RecordExists, match="already stored"):
        entries.create_record(people["emre"], EXERCISE)
    assert entries.approve_record(ayse, made["id"], 1).document["status"] == "approved"


def test_what_the_record_said_on_a_date(people):
    elif_ = people["elif"]
    made = entries.create_record(elif_, EXERCISE).document
    time.sleep(0.05)
    between = datetime.now(UTC)
    time.sleep(0.05)
    entries.update_record(elif_, made["id"], {**EXERCISE, "location": "Eskisehir"}, 1)
    then = entries.record_as_of(elif_, made["id"], between).document
    now = entries.record_as_of(elif_, made["id"], datetime.now(UTC)).document
    assert (then["location"], then["version"]) == ("Konya", 1)
    assert (now["location"], now["version"]) == ("Eskisehir", 2)


def test_record_add_in_postgresql_mode_and_desk_completeness(people, tmp_path):
    elif_, ayse = people["elif"], people["ayse"]
    file = tmp_path / "late.csv"
    file.write_text("kind,name,start,actors,url,classification,releasable_to\n"
                    "visit,Old visit,2019-03-01,TUR:sender;AZE:host,https://example.org/v,"
                    "RESTRICTED,NATO\n", encoding="utf-8")
    added = entries.add_file(elif_, file)
    assert (added["added"], added["updated"]) == (1, 0)
    again = entries.add_file(elif_, file)  # the same natural key: updated, not duplicated
    assert (again["added"], again["updated"], again["ids"]) == (0, 1, added["ids"])
    accounts.set_desk(ayse, "Caucasus", ["AZE", "GEO", "ARM"])
    report = oversight.desk_completeness(ayse, "Caucasus", late_days=90).document
    assert report["drafts_awaiting_approval"] == 1
    assert [(r["name"], r["start"]) for r in report["entered_late"]] == [
        ("Old visit", "2019-03-01")]
    assert report["entered_late"][0]["days_late"] > 365 * 5
