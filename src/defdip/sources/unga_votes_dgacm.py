"""UN General Assembly resolutions and recorded votes, sessions 74-80 (UN DGACM extracts).

The UN's own machine-readable GA resolutions (AKN4UN ``data_extract``), one JSON object per
line and resolution, with the Member States in favour, against and abstaining for every
resolution adopted by recorded vote. They carry the Voeten roll calls (``unga_votes``, to
January 2020) forward to June 2026; :mod:`defdip.sources._series` joins the two.

Traps the parser handles (``unga_votes_dgacm/README.md``): a symbol repeated on several lines
(39 in ``79.json``; kept once, and only if its vote lists agree once names are mapped to
states), a state listed twice in one list (counted once), five spellings of Türkiye, counts
printed as ``N.A.``, three date formats (``2019-10-10 00:00:00``, ``2 March 2022`` and the
same with a no-break space).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from pathlib import Path

from defdip.countries import Country, Vocabulary
from defdip.errors import SourceFormatError
from defdip.fetch import RawFile
from defdip.lazy import lazy_import
from defdip.sources._base import ACTOR_FIX, SourceInfo, fetcher

pd = lazy_import("pandas")

__all__ = ["INFO", "LISTS", "SESSIONS", "fetch", "parse", "regular_session"]

_COMMIT = "42a69b67bb92d23969fc45bba151320b82eb8e52"
_URL = f"https://raw.githubusercontent.com/UNxml/GAresolutions/{_COMMIT}/data_extract/"
SESSIONS = ("74", "75", "76", "77", "78", "79", "80", "ES-10", "ES-11", "S-32")

INFO = SourceInfo(
    name="unga_votes_dgacm",
    title="Machine-readable General Assembly resolutions with recorded votes, sessions 74-80, "
          "ES-10, ES-11 and S-32",
    publisher="United Nations, Department for General Assembly and Conference Management "
              "(DGACM), AKN4UN data_extract (GitHub UNxml/GAresolutions)",
    version=f"UNxml/GAresolutions {_COMMIT[:7]} (2026-07-10); last vote 2026-06-04",
    coverage="2,193 resolutions adopted 2019-10-10 to 2026-06-04, 731 by recorded vote (730 "
             "with name lists), 193 Member States; plenary votes on adopted resolutions only",
    url="https://www.un.org/dgacm/en/content/visualizations-and-machine-readability",
    licence="UN material: unofficial copies for information, provided without warranty; the "
            "user must acknowledge the United Nations as the source; redistribution terms not "
            "stated (unclear)",
    citation="""@misc{undgacm2026resolutions,
  author = {{United Nations, Department for General Assembly and Conference Management}},
  title = {Machine-readable General Assembly resolutions, data\\_extract},
  howpublished = {GitHub UNxml/GAresolutions},
  year = {2026}, note = {Accessed via GitHub UNxml/GAresolutions}
}""",
    files=tuple(RawFile(f"session_{s}", f"unga_votes_dgacm/original_data_extract/{s}.json",
                        f"{_URL}{s}.json") for s in SESSIONS),
    tables={
        "dgacm_resolutions": "one row per resolution (symbol): symbol, session_label, session "
                             "(regular session in progress), date, year, title, committee, "
                             "agenda_item, adoption_type, recorded_vote, yes/no/abstain_count "
                             "(as printed; null for N.A.), listed_yes/no/abstain (names in the "
                             "lists), file, line",
        "dgacm_votes": "one row per recorded vote and voting Member State: symbol, ccode, iso3, "
                       "country_label (as printed), vote (1 yes, 2 abstain, 3 no), year",
    },
    transformations=(
        "JSON Lines read line by line; a symbol on several lines kept once (its last line, "
        "the later upload), after checking that its vote lists agree once names are mapped "
        "to states",
        "Member State names resolved through the vocabulary (five spellings of Türkiye, "
        "Côte d'Ivoire, the Netherlands: data/actors/dgacm.yaml); a name listed twice in one "
        "list counted once",
        "adoption dates in three formats read as dates; year = calendar year of adoption",
        "session = the regular session in progress on the adoption date for emergency and "
        "special sessions (ES-11/1 of 2 March 2022 -> 76), the session number otherwise",
        "vote coded 1 yes, 2 abstain, 3 no; absent and non-voting members are not in the "
        "lists (as in unga_votes)",
    ),
    notes="Plenary recorded votes on adopted resolutions only: no votes on amendments, "
          "paragraphs, motions, decisions or failed drafts, no Main Committee votes. Session 80 "
          "was in progress in this snapshot.",
    coverage_years=(2019, 2026),
    coverage_states="all UN Member States (193)",
)

LISTS = {"MS_in_favour": 1, "MS_abstaining": 2, "MS_against": 3}
_WORDS = {1: "yes", 2: "abstain", 3: "no"}
COUNTS = {"MS_in_favour_count": "yes_count", "MS_against_count": "no_count",
          "MS_abstaining_count": "abstain_count"}
REQUIRED = ("symbol", "adoption_date", "adoption_type", "title", "committee", "agenda_item",
            *LISTS, *COUNTS)
RECORDED = "By a recorded vote"
_SYMBOL = re.compile(r"^A/RES/((?:ES-|S-)?\d+)/\S+")
_MONTHS = {m: i for i, m in enumerate(("january", "february", "march", "april", "may", "june",
                                       "july", "august", "september", "october", "november",
                                       "december"), start=1)}


fetch = fetcher(INFO)


def regular_session(label: str, day: dt.date) -> int:
    """The regular session number: the label's for a regular session; for an emergency or
    special session, the regular session in progress on ``day`` (sessions open in September;
    session s opens in year s + 1945)."""
    if label.isdigit():
        return int(label)
    return day.year - 1945 if day.month >= 9 else day.year - 1946


def _date(text: object, path: Path, line: int) -> dt.date:
    value = str(text).replace("\xa0", " ").strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}( 00:00:00)?", value):
            return dt.date.fromisoformat(value[:10])
        day, month, year = value.split(" ")
        return dt.date(int(year), _MONTHS[month.casefold()], int(day))
    except (ValueError, KeyError):
        raise SourceFormatError(path, f"adoption date {text!r} is neither YYYY-MM-DD nor "
                                "'D Month YYYY'", row=line, column="adoption_date") from None


def _count(value: object, path: Path, line: int, column: str) -> int | None:
    text = str(value).strip()
    if text in ("N.A.", ""):
        return None
    if not text.isdigit():
        raise SourceFormatError(path, f"count {value!r} is not a whole number or 'N.A.'",
                                row=line, column=column)
    return int(text)


def _records(path: Path) -> list[tuple[int, dict]]:
    """(line number, object) for every non-blank line, each checked for the keys used."""
    out = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise SourceFormatError(path, f"is not UTF-8 text ({exc})") from exc
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SourceFormatError(path, f"line is not a JSON object ({exc.msg})",
                                    row=number) from None
        if not isinstance(record, dict):
            raise SourceFormatError(path, f"line holds {type(record).__name__!r}, not a JSON "
                                    "object", row=number)
        missing = [k for k in REQUIRED if k not in record]
        if missing:
            raise SourceFormatError(path, f"resolution lacks key {missing[0]!r}", row=number,
                                    column=missing[0])
        out.append((number, record))
    return out


def _ballots(record: dict, year: int, vocab: Vocabulary, path: Path, line: int
             ) -> dict[str, tuple[Country, str, int]]:
    """iso3 -> (state, printed name, vote) for one resolution; a name twice in a list once."""
    ballots: dict[str, tuple[Country, str, int]] = {}
    for key, vote in LISTS.items():
        names = record[key]
        if not isinstance(names, list):
            raise SourceFormatError(path, f"{key} is {names!r}, not a list of names",
                                    row=line, column=key)
        for name in names:
            state = vocab.try_resolve(str(name), year=year)
            if not isinstance(state, Country) or state.ccode is None:
                raise SourceFormatError(
                    path, f"Member State {name!r} is not a known state "
                    f"({vocab.candidates(str(name))[:3] or 'no close match'})",
                    row=line, column=key, fix=ACTOR_FIX)
            held = ballots.get(state.iso3)
            if held is not None and held[2] != vote:
                raise SourceFormatError(path, f"{name!r} votes both {_WORDS[held[2]]!r} and "
                                        f"{_WORDS[vote]!r} on one resolution", row=line,
                                        column=key)
            ballots.setdefault(state.iso3, (state, str(name), vote))
    return ballots


def _session_label(symbol: str, path: Path, line: int) -> str:
    match = _SYMBOL.match(symbol)
    if match is None:
        raise SourceFormatError(path, f"symbol {symbol!r} is not a GA resolution symbol "
                                "(A/RES/<session>/<number>)", row=line, column="symbol")
    return match.group(1)


def _parse_file(path: Path, vocab: Vocabulary,
                kept: dict[str, tuple[str, int, dict, dict, list[tuple]]]) -> None:
    """Add each resolution of ``path`` to ``kept`` (symbol -> file, line, votes by iso3, row,
    vote rows); a repeated symbol must have the same votes, and its later line wins."""
    for line, record in _records(path):
        symbol = str(record["symbol"]).strip()
        day = _date(record["adoption_date"], path, line)
        ballots = _ballots(record, day.year, vocab, path, line)
        plain = {iso3: vote for iso3, (_s, _n, vote) in ballots.items()}
        if symbol in kept and kept[symbol][2] != plain:
            raise SourceFormatError(
                path, f"resolution {symbol!r} repeats line {kept[symbol][1]} of "
                f"{kept[symbol][0]} with different votes", row=line, column="MS_in_favour")
        label = _session_label(symbol, path, line)
        counts = {name: _count(record[key], path, line, key) for key, name in COUNTS.items()}
        adoption = str(record["adoption_type"]).strip() or None
        listed = {v: sum(1 for x in plain.values() if x == v) for v in (1, 2, 3)}
        row = {
            "symbol": symbol, "session_label": label,
            "session": regular_session(label, day), "date": day, "year": day.year,
            "title": record["title"], "committee": record["committee"],
            "agenda_item": record["agenda_item"], "adoption_type": adoption,
            "recorded_vote": adoption == RECORDED or bool(plain), **counts,
            "listed_yes": listed[1], "listed_no": listed[3], "listed_abstain": listed[2],
            "file": path.name, "line": line}
        votes = [(symbol, state.ccode, state.iso3, name, vote, day.year)
                 for state, name, vote in ballots.values()]
        kept[symbol] = (path.name, line, plain, row, votes)


def parse(files: Mapping[str, Path], vocab: Vocabulary) -> dict[str, pd.DataFrame]:
    kept: dict[str, tuple[str, int, dict, dict, list[tuple]]] = {}
    for session in SESSIONS:
        _parse_file(Path(files[f"session_{session}"]), vocab, kept)
    table = pd.DataFrame([item[3] for item in kept.values()])
    votes = [vote for item in kept.values() for vote in item[4]]
    for column in ("yes_count", "no_count", "abstain_count"):
        table[column] = table[column].astype("Int64")
    for column in ("symbol", "session_label", "title", "committee", "agenda_item",
                   "adoption_type", "file"):
        table[column] = table[column].astype("string")
    ballots = pd.DataFrame(votes, columns=["symbol", "ccode", "iso3", "country_label", "vote",
                                           "year"])
    ballots = ballots.astype({"symbol": "string", "ccode": "int64", "iso3": "string",
                              "country_label": "string", "vote": "int64", "year": "int64"})
    return {"dgacm_resolutions": table, "dgacm_votes": ballots}
