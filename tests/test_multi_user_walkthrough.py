"""The walk-through of docs/multi-user.md and the README, through the CLI, on the real loaded
data and a real PostgreSQL server: two users of different nations, a RESTRICTED record
releasable to NATO seen by one and not the other in lists, counts, the map and the brief;
edited twice; its history and the audit log.

The record is a visit of Türkiye to Bhutan in 2025. Bhutan is chosen because nothing in the
loaded data links it to Türkiye (the TUR brief over the shared store names it nowhere), so the
one record is the only thing that can put it in a list, a count or on the map.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from typer.testing import CliRunner

from defdip.cli import app

PASSWORD = "correct horse battery"


def _visit(location: str) -> dict:
    return {"records": [{
        "kind": "visit", "name": "Chief of the General Staff in Bhutan", "start": "2025-03-10",
        "location": location, "classification": "RESTRICTED", "releasable_to": ["NATO"],
        "actors": [{"country": "TUR", "role": "sender"}, {"country": "BTN", "role": "host"}],
        "source": {"name": "walk-through", "url": "https://example.org/visit"},
    }]}


def _brief(run, token: str, store: Path, out: Path) -> dict:
    run("brief", "TUR", "--format", "json", "--out", str(out), "--store", str(store),
        token=token)
    return json.loads(out.read_text(encoding="utf-8"))


def _map_and_partners(brief: dict) -> tuple[set[str], int]:
    where = next(s for s in brief["sections"] if s["id"] == "where")
    areas = {a["key"] for f in where["figures"] if f.get("type") == "map" for a in f["areas"]}
    partners = next(n["value"] for n in where["numbers"] if n["key"] == "partners")
    return areas, partners


def test_two_nations_see_a_restricted_record_differently(built_store, pg_db, tmp_path,
                                                         monkeypatch):
    store = Path(built_store.path)
    built_store.close()  # the CLI opens it read-only, as a user's commands would
    monkeypatch.setenv("DEFDIP_DATABASE_URL", pg_db.app_url)
    monkeypatch.delenv("DEFDIP_TOKEN", raising=False)
    runner = CliRunner()

    def run(*args: str, token: str | None = None, stdin: str | None = None) -> str:
        result = runner.invoke(app, list(args), input=stdin, env={"DEFDIP_TOKEN": token})
        assert result.exit_code == 0, (args, result.output, repr(result.exception))
        return result.output

    def fails(*args: str, token: str) -> str:
        result = runner.invoke(app, list(args), env={"DEFDIP_TOKEN": token})
        assert result.exit_code != 0, (args, result.output)
        return str(result.exception) + result.output

    # 1. two users of different nations (the first user added is the admin)
    run("users", "add", "ayse", "--nation", "TUR", "--clearance", "SECRET", "--group", "NATO",
        "--password", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    ayse = run("users", "token", "laptop", "--user", "ayse", "--password",
               stdin=f"{PASSWORD}\n").strip().splitlines()[-1]
    run("users", "add", "hans", "--nation", "DEU", "--clearance", "RESTRICTED", "--group",
        "NATO", token=ayse)
    run("users", "add", "ivan", "--nation", "RUS", "--clearance", "SECRET", token=ayse)
    hans = run("users", "token", "cli", "--user", "hans", token=ayse).strip().splitlines()[-1]
    ivan = run("users", "token", "cli", "--user", "ivan", token=ayse).strip().splitlines()[-1]

    # 2. a RESTRICTED record releasable to NATO, entered and approved by a Turkish user
    visit = tmp_path / "visit.yaml"
    visit.write_text(yaml.safe_dump(_visit("Thimphu")), encoding="utf-8")
    record_id = run("record", "add", str(visit), "--quiet", "--store", str(store),
                    token=ayse).strip()
    run("record", "approve", record_id, "--version", "1", token=ayse)

    # 3. lists: Hans (DEU, NATO, RESTRICTED) sees it; Ivan (RUS, SECRET, no group) does not
    def listed(token: str) -> list[str]:
        out = run("record", "list", "--country", "TUR", "--partner", "BTN", "--from", "2025",
                  "--json", "--store", str(store), token=token)
        return [row["id"] for row in json.loads(out)]

    assert listed(hans) == [record_id]
    assert listed(ivan) == []
    shown = json.loads(run("record", "show", record_id, "--json", token=hans))
    assert (shown["classification"], shown["owner_nation"], shown["releasable_to"]) == (
        "RESTRICTED", "TUR", ["NATO"])
    assert f"No record {record_id!r} that you may see" in fails(
        "record", "show", record_id, token=ivan)

    # 4. counts: TUR's partners by instrument in 2025 include Bhutan for Hans only
    def partners_2025(token: str) -> dict[str, int]:
        out = run("profile", "TUR", "--year", "2025", "--json", "--store", str(store),
                  token=token)
        return {row["partner"]: row for row in json.loads(out)}.get("BTN", {})

    assert partners_2025(hans) and not partners_2025(ivan)

    # 5. the map and the brief: Bhutan is on Hans's map and counted among the partners; Ivan's
    # brief names it nowhere and counts one partner fewer
    seen = _brief(run, hans, store, tmp_path / "hans.json")
    hidden = _brief(run, ivan, store, tmp_path / "ivan.json")
    seen_areas, seen_partners = _map_and_partners(seen)
    hidden_areas, hidden_partners = _map_and_partners(hidden)
    assert "BTN" in seen_areas and "BTN" not in hidden_areas
    assert seen_partners == hidden_partners + 1
    assert "Bhutan" not in json.dumps(hidden, ensure_ascii=False)

    # 5b. the web face reads the same way: its /api/v1 lists and counts and the country page,
    # for a token's user, and the entered record's routes are mounted beside them
    from fastapi.testclient import TestClient

    from defdip.web.app import create_app

    client = TestClient(create_app(store))

    def web(path: str, token: str | None) -> str:
        answer = client.get(path, headers={"Authorization": f"Bearer {token}"} if token else {})
        assert answer.status_code == 200, (path, answer.text[:500])
        return answer.text

    listing = "/api/v1/records?country=TUR&partner=BTN&from=2025"
    assert record_id in web(listing, hans) and record_id not in web(listing, ivan)
    assert record_id not in web(listing, None)  # the anonymous reader: PUBLIC, ALL only
    counted = "/api/v1/profile/TUR?year=2025"
    assert '"BTN"' in web(counted, hans) and '"BTN"' not in web(counted, ivan)
    assert "Bhutan" in web("/country/TUR", hans) and "Bhutan" not in web("/country/TUR", ivan)
    assert web(f"/api/v1/entries/{record_id}", hans)
    assert client.get(f"/api/v1/entries/{record_id}",
                      headers={"Authorization": f"Bearer {ivan}"}).status_code == 404
    assert client.get(listing, headers={"Authorization": "Bearer ddp_forged"}).status_code == 401

    # 6. edited twice (the same natural key: an update, each a new version, back to draft)
    for location in ("Paro", "Punakha"):
        visit.write_text(yaml.safe_dump(_visit(location)), encoding="utf-8")
        assert run("record", "add", str(visit), "--quiet", "--store", str(store),
                   token=ayse).strip() == record_id

    # 7. its history: every version kept, with what changed and who wrote it
    history = json.loads(run("record", "history", record_id, "--json", token=hans))
    assert [v["version"] for v in history] == [1, 2, 3, 4]
    assert [v["status"] for v in history] == ["draft", "approved", "draft", "draft"]
    assert {v["written_by"] for v in history} == {"ayse"}
    assert "location" in history[2]["changed"] and "location" in history[3]["changed"]
    assert [v["record"]["location"] for v in history] == ["Thimphu", "Thimphu", "Paro", "Punakha"]

    # 8. the audit log (admins only): the four writes, by the database's triggers
    rows = json.loads(run("audit", "--record", record_id, "--json", token=ayse))
    writes = [r for r in rows if r["action"] in ("create", "update", "approve")]
    assert sorted(r["version"] for r in writes) == [1, 2, 3, 4]
    assert {r["user_name"] for r in writes} == {"ayse"}
    assert "holds no admin role" in fails("audit", "--record", record_id, token=hans)
