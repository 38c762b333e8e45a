"""One QuadClass scheme for CAMEO and PLOVER codes, and the intensity each event carries.

QuadClass is the four-way grouping of events that GDELT publishes with every record
(GDELT 2.0 Event Codebook, field ``QuadClass``; mirror ``cameo_codebook/gdelt2_events_fields
.csv``): 1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material conflict.

* **CAMEO** (ICEWS, GDELT): by the two-digit root code, the grouping GDELT applies to its
  records (Duval & Thompson's verbal/material x cooperation/conflict split of the CAMEO
  cue categories): roots 01-05 → 1, 06-08 → 2, 09-13 → 3, 14-20 → 4. The GDELT reader
  checks each record's published ``QuadClass`` against this rule and reports disagreements.
* **PLOVER** (POLECAT): by event type, as the PLOVER specification defines its quad
  categories (github.com/openeventdata/PLOVER, README, "PLOVER quad categories"): agree,
  consult, support, concede → 1; cooperate, aid, retreat, investigate → 2; demand/request,
  disapprove/accuse, reject, threaten, sanction → 3; protest, crime, mobilize, coerce,
  assault, fight → 4. POLECAT renamed DEMAND to *request* and DISAPPROVE to *accuse*.

Intensity is the Goldstein (1992) weight, -10 (most conflictual) to +10. ICEWS and GDELT
publish it with each record (ICEWS ``Intensity``, GDELT ``GoldsteinScale``) and it is kept
as published. PLOVER has none, so a POLECAT event gets the weight of the CAMEO codes its
type was built from (the PLOVER README's CAMEO → PLOVER table), averaged, read from the ICEWS
CAMEO codebook: e.g. consult = CAMEO 04 = +1.0, assault = CAMEO 18 = -9.0. *crime* has no
CAMEO equivalent and gets no intensity (NULL).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = [
    "CAMEO_QUAD_ROOTS",
    "PLOVER_CAMEO",
    "PLOVER_QUAD",
    "QUAD_CLASSES",
    "CameoBook",
    "cameo_quad_class",
    "plover_quad_class",
]

QUAD_CLASSES: dict[int, str] = {1: "verbal cooperation", 2: "material cooperation",
                                3: "verbal conflict", 4: "material conflict"}

#: (first root, last root, quad class) for CAMEO's twenty root codes.
CAMEO_QUAD_ROOTS: tuple[tuple[int, int, int], ...] = ((1, 5, 1), (6, 8, 2), (9, 13, 3),
                                                      (14, 20, 4))

#: PLOVER event type → quad class (PLOVER README), with POLECAT's renamed types.
PLOVER_QUAD: dict[str, int] = {
    **dict.fromkeys(("agree", "consult", "support", "concede"), 1),
    **dict.fromkeys(("cooperate", "aid", "retreat", "investigate"), 2),
    **dict.fromkeys(("demand", "request", "disapprove", "accuse", "reject", "threaten",
                     "sanction"), 3),
    **dict.fromkeys(("protest", "crime", "mobilize", "coerce", "assault", "fight"), 4),
}

#: PLOVER event type → the CAMEO codes it was built from (PLOVER README's table; YIELD is
#: split into concede 081-083 and retreat 084-087). Their Goldstein weights, averaged, are
#: the type's intensity. ``crime`` has no CAMEO equivalent.
PLOVER_CAMEO: dict[str, tuple[str, ...]] = {
    "agree": ("03",), "consult": ("04",), "support": ("05",), "cooperate": ("06",),
    "aid": ("07",), "concede": ("081", "082", "083"), "retreat": ("084", "085", "086", "087"),
    "investigate": ("09",), "demand": ("10",), "request": ("10",), "disapprove": ("11",),
    "accuse": ("11",), "reject": ("12",), "threaten": ("13",), "protest": ("14",),
    "mobilize": ("15",), "sanction": ("16",), "coerce": ("17",), "assault": ("18",),
    "fight": ("19", "20"), "crime": (),
}


def cameo_quad_class(code: str) -> int | None:
    """QuadClass (1-4) of a zero-padded CAMEO code ('040', '0214', '19'); None if its first
    two digits are not a root code 01-20."""
    root = code[:2]
    if len(root) != 2 or not root.isdigit():
        return None
    number = int(root)
    for first, last, quad in CAMEO_QUAD_ROOTS:
        if first <= number <= last:
            return quad
    return None


def plover_quad_class(event_type: str) -> int | None:
    """QuadClass (1-4) of a PLOVER event type ('consult', 'ASSAULT'); None if unknown."""
    return PLOVER_QUAD.get(event_type.strip().lower())


@dataclass
class CameoBook:
    """The CAMEO codebook of one flavour (``icews`` or ``gdelt``): code → (name, Goldstein).

    Built from the ``cameo_codes`` table (source ``cameo_codebook``); used to restore the
    leading zeros ICEWS files drop and to give PLOVER types an intensity.
    """

    codes: dict[str, tuple[str, float]]
    flavour: str = "icews"
    _by_digits: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for code in self.codes:
            self._by_digits.setdefault(code.lstrip("0"), []).append(code)
        self._names = {code: name.strip().casefold() for code, (name, _) in self.codes.items()}

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, object]], flavour: str) -> CameoBook:
        """From records with ``flavour``, ``code``, ``name``, ``goldstein`` (the stored table)."""
        codes = {str(r["code"]): (str(r["name"]), float(r["goldstein"]))  # type: ignore[arg-type]
                 for r in rows if r["flavour"] == flavour}
        return cls(codes, flavour)

    def normalise(self, raw: str, text: str | None = None) -> str | None:
        """The codebook's code for ``raw`` as a file writes it, or None.

        ICEWS's Dataverse files may write codes without leading zeros ('40' for '040', '214'
        for '0214'). The digits are matched against the codebook's codes with the zeros
        stripped; where two codes share the digits ('10' is root 10 DEMAND or 010 Make
        statement) the event text decides, and without a matching text the code is refused.
        """
        digits = raw.strip()
        if not digits.isdigit() or not 1 <= len(digits) <= 4:
            return None
        if digits in self.codes and digits[0] == "0":
            return digits  # written with its zeros: unambiguous
        found = [c for c in self._by_digits.get(digits.lstrip("0"), []) if len(c) >= len(digits)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1 and text:
            named = [c for c in found if self._names[c] == text.strip().casefold()]
            if len(named) == 1:
                return named[0]
        return None

    def goldstein(self, code: str) -> float | None:
        entry = self.codes.get(code)
        return entry[1] if entry is not None else None

    def plover_intensity(self, event_type: str) -> float | None:
        """The mean Goldstein weight of the CAMEO codes ``event_type`` was built from."""
        cues = PLOVER_CAMEO.get(event_type.strip().lower(), ())
        weights = [self.codes[c][1] for c in cues if c in self.codes]
        return sum(weights) / len(weights) if weights and len(weights) == len(cues) else None
