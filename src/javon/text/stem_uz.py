"""Uzbek stemmer: strips inflection, keeps derivation; works on folded keys.

How it decides (why it is built this way):

* Uzbek inflection is a fixed order of suffix slots, so the stripper walks the slots from
  the end of the word and lists every way the word can be cut (a tiny finite-state parser):
  nouns  stem + -lar + possessive + case + -dagi/-niki + particles/predicate endings;
  verbs  stem + [passive, -ish-, aspect] + [-ma-] + tense/participle/converb + person;
  participles (-gan, -digan, -yotgan) then take the noun endings.
* Look-alike endings are the trap (ota is not ot+a, olma is not ol+ma, tizim is not
  tiz+im, boshqa is not bosh+qa).  A lexicon of known stems (data/uz_stems.txt) decides:
  a known word is not cut; among the cuts, one that leaves a known stem of the right kind
  (noun or verb) wins, the longest such stem; without one, a cut that rests only on short
  ambiguous endings (-i, -a, -m, -ma, ...) is made only in a few guarded cases (a lone -i
  or -di after a long stem), and otherwise the deepest cut is taken.  Finite verb forms
  cannot stand before case or possessive endings; participles can.
* The stem is canonicalised so that every form meets: a final g/gʻ of a polysyllabic stem
  becomes k/q (yuragi -> yurak, qishlogʻi -> qishloq: the alternation is undone whether or
  not it happened), and the closed set of vowel-dropping stems is restored (oʻgʻli ->
  oʻgʻil, shahri -> shahar).
* Derivational suffixes (-chi -lik -xona -dosh -li -siz, causatives -tir/-dir, verbal
  nouns -ish/-sh: oʻqish stays oʻqish) are kept.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from .normalize import OKINA, TUTUQ

_O = "o" + OKINA
_G = "g" + OKINA


def _load_lexicon() -> dict[str, str]:
    """stem -> "N", "V" or "NV" (which endings it takes)."""
    text = resources.files(__package__).joinpath("data", "uz_stems.txt").read_text("utf-8")
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, _, tags = line.strip().partition("\t")
        out[word] = tags or "NV"
    return out


LEXICON = _load_lexicon()

# Stems that drop their last vowel before a vowel-initial ending: short form -> full form.
VOWEL_DROP = {
    _O + _G + "l": _O + _G + "il",
    "shahr": "shahar",
    "burn": "burun",
    "o" + _G + "z": "o" + _G + "iz",
    "k" + _O + "ngl": "k" + _O + "ngil",
    "singl": "singil",
    "ba" + _G + "r": "ba" + _G + "ir",
    _O + "rn": _O + "rin",
    "yarm": "yarim",
    "qorn": "qorin",
    "b" + _O + "yn": "b" + _O + "yin",
    "q" + _O + "yn": "q" + _O + "yin",
    "qayn": "qayin",
    "sing" + TUTUQ + "l": "singil",
    "ahl": "aholi",
}

# Pronoun forms that are not regular (u -> uning, unga; men -> menga).
PRONOUNS = {
    "uning": "u", "unga": "u", "uni": "u", "unda": "u", "undan": "u", "ular": "u",
    "ularning": "u", "ularga": "u", "ularni": "u", "ularda": "u", "ulardan": "u",
    "mening": "men", "menga": "men", "meni": "men", "menda": "men", "mendan": "men",
    "sening": "sen", "senga": "sen", "seni": "sen", "senda": "sen", "sendan": "sen",
    "buning": "bu", "bunga": "bu", "buni": "bu", "bunda": "bu", "bundan": "bu",
    "bular": "bu", "bularning": "bu", "bularni": "bu", "bularga": "bu",
    "shuning": "shu", "shunga": "shu", "shuni": "shu", "shunda": "shu", "shundan": "shu",
    "shular": "shu", "oʻshaning": "oʻsha",
}  # fmt: skip

VOWELS = frozenset("aeiou")


def _ends_vowel(s: str) -> bool:
    if not s:
        return False
    last = s[-1]
    return last in VOWELS or (last == OKINA and s[-2:-1] == "o")


def _vowel_count(s: str) -> int:
    return sum(1 for ch in s if ch in VOWELS)


# ----------------------------------------------------------------- suffix slots
# Each suffix: (text, kind) where kind says what the stem before it must end with:
# "C" consonant, "V" vowel, "" either; "k"/"q" the stem must end in that letter.

_PARTICLES = [("mi", ""), ("dir", ""), ("gina", ""), ("kina", ""), ("qina", ""),
              ("dek", ""), ("day", ""), ("ku", ""), ("yu", "V")]  # fmt: skip
_PREDICATE = [("man", ""), ("san", ""), ("miz", ""), ("sizlar", ""), ("lar", "")]
_ATTRIB = [("dagi", ""), ("niki", ""), ("gi", "")]
_CASE = [("ning", ""), ("ni", ""), ("ga", ""), ("ka", "k"), ("qa", "q"), ("da", ""),
         ("dan", ""), ("gacha", ""), ("ngacha", "")]  # fmt: skip
_POSS = [("imiz", "C"), ("ingiz", "C"), ("im", "C"), ("ing", "C"), ("i", "C"),
         ("miz", "V"), ("ngiz", "V"), ("m", "V"), ("ng", "V"), ("si", "V")]  # fmt: skip
_PLURAL = [("lar", "")]

_NOUN_SLOTS = [_PARTICLES, _PREDICATE, _ATTRIB, _CASE, _POSS, _PLURAL]

_PERSON_ANY = ["man", "san", "miz", "siz", "sizlar", "lar"]
_TENSES: list[tuple[str, str, list[str], bool]] = [
    # (suffix, stem-end kind, person endings allowed after it, may take noun endings)
    ("di", "", ["m", "ng", "k", "ngiz", "ngizlar", "lar", "kmi"], False),
    ("a", "C", ["man", "san", "miz", "siz", "sizlar", "di", "dilar"], False),
    ("y", "V", ["man", "san", "miz", "siz", "sizlar", "di", "dilar"], False),
    ("yap", "", [*_PERSON_ANY, "ti", "tilar", "timi"], False),
    ("ayap", "C", [*_PERSON_ANY, "ti", "tilar"], False),
    ("moqda", "", [*_PERSON_ANY, "dir", "lar"], False),
    ("moqchi", "", _PERSON_ANY, True),
    ("gan", "", _PERSON_ANY, True),
    ("kan", "k", _PERSON_ANY, True),
    ("qan", "q", _PERSON_ANY, True),
    ("ganlig", "", [], True),
    ("ganlik", "", [], True),
    ("ar", "C", _PERSON_ANY, False),
    ("ardi", "C", ["m", "ng", "k", "ngiz", "lar"], False),
    ("rdi", "V", ["m", "ng", "k", "ngiz", "lar"], False),
    ("ibdi", "C", ["r", "lar"], False),
    ("bdi", "V", ["r", "lar"], False),
    ("ibman", "C", [], False),
    ("gandi", "", ["m", "ng", "k", "ngiz", "lar"], False),
    ("masdi", "", ["m", "ng", "k", "ngiz", "lar"], False),
    ("r", "V", _PERSON_ANY, False),
    ("mas", "", [*_PERSON_ANY, "dan", "lik", "lig"], True),
    ("adigan", "C", [], True),
    ("ydigan", "V", [], True),
    ("ayotgan", "C", [], True),
    ("yotgan", "V", [], True),
    ("ajak", "C", [], True),
    ("sa", "", ["m", "ng", "k", "ngiz", "lar", "ngizlar"], False),
    ("gach", "", [], False),
    ("kach", "k", [], False),
    ("qach", "q", [], False),
    ("guncha", "", [], False),
    ("kuncha", "k", [], False),
    ("quncha", "q", [], False),
    ("ib", "C", [], False),
    ("b", "V", [], False),
    ("may", "", [], False),
    ("masdan", "", [], False),
    ("moq", "", [], True),
    ("sin", "", ["lar"], False),
    ("ingiz", "C", ["lar"], False),
    ("ng", "V", ["iz", "izlar"], False),
    ("gin", "", [], False),
    ("gani", "", [], False),
    ("kani", "k", [], False),
    ("qani", "q", [], False),
    ("ay", "C", [], False),
    ("aylik", "C", [], False),
    ("ylik", "V", [], False),
    ("gudek", "", [], False),
]
# A negative -ma- may stand before these tenses (bormadi, bormaydi, bormagan, bormasa).
_NEG_OK = frozenset({"di", "y", "yap", "gan", "sa", "sin", "ng", "gin", "ylik", "ydigan",
                     "yotgan", "gani", "guncha", "gach", "b", "moqchi", "gandi"})  # fmt: skip
# Passive voice: only cut when the stem left is known (qil-in-di -> qil).  Causatives
# (kel -> keltir "bring", yoq -> yoqtir "like") make new verbs and are kept.
# ... and aspect auxiliaries fused to the stem (bor-aver-di, bil-ol-ma-y-di).
# The -ish- of joint or plural action (kelishdi, qilishadi) is cut only before verb
# endings: the verbal noun oʻqish, oʻqishni is a derived word and kept.
_VOICE = [("il", "C"), ("in", "C"), ("l", "V"), ("n", "V"),
          ("aver", "C"), ("ver", "V"), ("ol", "C"), ("yol", "V"), ("ish", "C"), ("sh", "V")]  # fmt: skip

# Endings that are also common last letters of stems: a cut whose innermost ending is one
# of these (ota = ot+a?, tizim = tiz+im?, olma = ol+ma?) is trusted only on a known stem.
_WEAK = frozenset({"i", "a", "y", "m", "ng", "im", "ing", "r", "ar", "b", "ma", "ay", "k",
                   "ku", "yu", "sin", "gin", "mi", "ib", "in", "il", "n", "l", "t",
                   "dir", "tir", "gi", "si", "day", "dek", "moq", "mas", "may", "sa", "man",
                   "san"})  # fmt: skip
_POSS_WEAK = frozenset({"i", "im", "ing", "m", "ng", "si"})
_CASE_SET = frozenset(s for s, _ in _CASE) | frozenset(s for s, _ in _ATTRIB)
_NOMINAL_SLOTS = (1, 2, 3, 4, 5)  # all but the particles: predicate, -dagi, case, poss, plural
_NOMINAL_TENSES = frozenset(t for t, _k, _p, nominal in _TENSES if nominal)
_MIN_STEM = 2


def _fits(stem: str, kind: str) -> bool:
    if len(stem) < _MIN_STEM or _vowel_count(stem) == 0:
        return False
    if kind == "C":
        return not _ends_vowel(stem) and stem[-1] != TUTUQ
    if kind == "V":
        return _ends_vowel(stem)
    if kind in ("k", "q"):
        return stem.endswith(kind)
    return True


def _noun_cuts(word: str) -> list[tuple[str, tuple[str, ...], bool]]:
    """Every (stem, suffixes, nominal) the noun slots allow, the uncut word included.

    ``nominal`` is true when anything but a particle was cut (case, possessive, plural,
    -dagi, a predicate ending): then only a participle, not a finite verb form (which has
    its own person ending), can stand before them.
    """
    out: list[tuple[str, tuple[str, ...], bool]] = []

    def walk(rest: str, slot: int, sufs: tuple[str, ...], nominal: bool) -> None:
        out.append((rest, sufs, nominal))
        for i in range(slot, len(_NOUN_SLOTS)):
            for suf, kind in _NOUN_SLOTS[i]:
                if len(rest) > len(suf) and rest.endswith(suf):
                    stem = rest[: -len(suf)]
                    if _fits(stem, kind):
                        walk(stem, i + 1, (suf, *sufs), nominal or i in _NOMINAL_SLOTS)

    walk(word, 0, (), False)
    return out


# Every tense+person ending, for one dictionary look-up per ending length.
_VERB_ENDINGS: dict[str, list[tuple[str, str, str]]] = {}
for _tense, _kind, _persons, _nominal in _TENSES:
    for _person in ("", *_persons):
        _VERB_ENDINGS.setdefault(_tense + _person, []).append((_tense, _kind, _person))
_MAX_ENDING = max(len(e) for e in _VERB_ENDINGS)


def _verb_cuts(word: str) -> list[tuple[str, tuple[str, ...], bool]]:
    """(stem, suffixes, voice_cut) for verb analyses of ``word``."""
    out: list[tuple[str, tuple[str, ...], bool]] = []
    for size in range(1, min(len(word) - 1, _MAX_ENDING) + 1):
        for tense, kind, person in _VERB_ENDINGS.get(word[-size:], ()):
            stem = word[:-size]
            sufs: tuple[str, ...] = (tense, person) if person else (tense,)
            if _fits(stem, kind):
                out.append((stem, sufs, False))
            bases = [(stem, sufs)]
            if tense in _NEG_OK and stem.endswith("ma") and _fits(stem[:-2], ""):
                out.append((stem[:-2], ("ma", *sufs), False))
                bases.append((stem[:-2], ("ma", *sufs)))
            for base, bsufs in bases:
                for voice, vkind in _VOICE:
                    if len(base) > len(voice) and base.endswith(voice):
                        vstem = base[: -len(voice)]
                        if _fits(vstem, vkind):
                            out.append((vstem, (voice, *bsufs), True))
    return out


def canonical(stem: str) -> str:
    """Undo k/g, q/gʻ alternation and vowel loss so that every form meets."""
    full = VOWEL_DROP.get(stem)
    if full is not None:
        return full
    if _vowel_count(stem) >= 2:
        if stem.endswith(_G):
            return stem[:-2] + "q"
        if stem.endswith("g") and not stem.endswith("ng"):
            return stem[:-1] + "k"
    return stem


def _tags(stem: str) -> str:
    return LEXICON.get(stem) or LEXICON.get(canonical(stem)) or ""


def _weak(sufs: tuple[str, ...]) -> bool:
    """Does the cut rest only on endings that are also common stem endings?

    A lone weak ending is weak (ota = ot+a?); so is a row of them (koʻzla-r-i).  A weak
    ending followed by a sure one is sure (kel-a-di, bor-ma-di, qanot-i-ni).
    """
    return all(s in _WEAK for s in sufs)


_UNITS_RE = re.compile("sh|ch|ng|o" + OKINA + "|g" + OKINA + "|.")


def _odd_final_cluster(stem: str) -> int:
    """1 if the stem ends in two consonants that rarely end an Uzbek stem (ald, asr, ishl).

    Such a cut is usually one letter too deep: alda-di, not ald-a-di.
    """
    units = _UNITS_RE.findall(stem[-4:])
    if len(units) < 2:
        return 0
    prev, last = units[-2], units[-1]
    if _ends_vowel(prev) or _ends_vowel(last) or prev == TUTUQ:
        return 0
    if prev in ("r", "y", "l", "n", "s") and last in ("t", "k", "q"):
        return 0  # art, ayt, kant, rast: real stem endings
    return 1


def _lone_ending_ok(stem: str, sufs: tuple[str, ...], word: str) -> bool:
    """A lone ambiguous ending on an unknown stem, cut only where the stem is long enough.

    prezidenti -> prezident, qizchasi -> qizcha, ajrashdi -> ajrash; not yangi, kursi.
    """
    if len(sufs) != 1:
        return False
    suf = sufs[0]
    if suf in ("i", "im"):
        if word.endswith(("li", "chi", "gi", "ki")):
            return False  # -li, -chi are derivation; -gi/-ki attributive or k/g stems
        # "...asi": a vowel stem + -si reads better than "...as" + -i.
        return len(stem) >= 5 and not (stem[-1] == "s" and _ends_vowel(stem[:-1]))
    if suf in ("si", "miz", "ngiz"):
        return len(stem) >= 4
    if suf in ("di", "rdi"):
        return len(stem) >= 3
    return False


@lru_cache(maxsize=300_000)
def stem_uz(key: str) -> str:
    """Stem of an Uzbek key (Latin, folded).  Unknown shapes come back unchanged."""
    if len(key) <= 2 or not key.isalpha():
        return PRONOUNS.get(key, key)
    pron = PRONOUNS.get(key)
    if pron is not None:
        return pron
    if key in LEXICON:
        return key
    # Ranked by (class, order): class 0 known stem on sure endings (longest stem), 1 known
    # stem on weak endings (longest stem), 2 unknown stem on sure endings (shortest stem),
    # 3/4 unknown stem on one ambiguous ending (past -di first, then the longest stem).
    # A known stem always wins.
    best: tuple[int, int, str] | None = None

    def offer(stem: str, sufs: tuple[str, ...], verb: bool, voice: bool) -> None:
        nonlocal best
        tags = _tags(stem)
        weak = _weak(sufs) or sufs in (("di",), ("rdi",))
        if tags and ("V" if verb else "N") in tags:
            cand = (1 if _weak(sufs) else 0, -len(stem), stem)
        else:
            if voice or len(stem) < 3:
                return
            if not weak:
                cand = (2, len(stem) + 10 * _odd_final_cluster(stem), stem)
            elif _lone_ending_ok(stem, sufs, key):
                # qichqir-di rather than qichqird-i: the past tense is the likelier reading.
                cand = (3 if sufs in (("di",), ("rdi",)) else 4, -len(stem), stem)
            else:
                return
        if best is None or cand < best:
            best = cand

    for nstem, nsufs, nominal in _noun_cuts(key):
        if nsufs:
            offer(nstem, nsufs, False, False)
        for vstem, vsufs, voice in _verb_cuts(nstem):
            if nominal and not any(v in _NOMINAL_TENSES for v in vsufs):
                continue  # a case or possessive ending needs a participle before it
            offer(vstem, (*vsufs, *nsufs), True, voice)
    if best is None:
        return canonical(key)
    return canonical(best[2])
