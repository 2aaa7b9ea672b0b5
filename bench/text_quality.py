"""Quality and speed of javon.text: stemmer precision/recall, cross-spelling recall, merges.

Run from the repository root:  python bench/text_quality.py  [--build-lexicon] [--quick]

(a) Stemmer: over every pair of distinct word forms, "same lemma <=> same stem".
    precision = pairs with same lemma and same stem / pairs with same stem
    recall    = pairs with same lemma and same stem / pairs with same lemma
    Measured on the UD Uzbek-UT treebank (sentences 1-250 are the news half, from which
    data/uz_stems.txt takes lemmas, so they are *in sample*; 251-500, the fiction half, are
    held out) and on the UniMorph paradigms (held out: nothing of them is in the lexicon).
(b) Cross-spelling recall: every word of the Common Voice excerpt and the treebank written
    with every apostrophe, in Cyrillic (to_cyrillic) and in reformed letters must get the
    key of the original; distinct-word pairs must keep distinct keys.
(c) Speed: analyze() words per second on corpus texts.

--build-lexicon rewrites src/javon/text/data/uz_stems.txt from the treebank's news half
plus the hand list below.
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from javon.text import analyze, fold, to_cyrillic  # noqa: E402
from javon.text.analyzer import analyze_tuples  # noqa: E402
from javon.text.normalize import OKINA, TUTUQ, fold_latin  # noqa: E402
from javon.text.stem_uz import stem_uz  # noqa: E402

SHARED = ROOT.parent / "shared"
UZ = SHARED / "data" / "uz"
UD = UZ / "ud_uzbek_ut" / "uz_ut-ud-test.conllu"
UNIMORPH = UZ / "unimorph_uzb"
CV = UZ / "common_voice" / "uz_sentences_excerpt.txt"
CORPUS = SHARED / "corpus"
LEXICON = ROOT / "src" / "javon" / "text" / "data" / "uz_stems.txt"
HELD_OUT_FROM = 251  # first held-out sentence of the treebank

# Stems whose endings look like inflection (the traps), and very common words.
_HAND_NOUNS = """
ota ona aka uka opa singil bola qiz oʻgʻil odam kishi xotin er erkak ayol
olma anor uzum non suv osh choy tuz yogʻ sut goʻsht
tizim tomon boshqa bosh boʻsh oʻqish yozish ish tish qish kirish chiqish
ilm qalam kitob daftar maktab dars sinf ustoz muallim oʻquvchi talaba
tana taʼna sher sheʼr surat surʼat dunyo hayot vatan xalq til soʻz gap
yil oy kun hafta soat vaqt tun kecha bugun ertaga ertalab kechqurun
shahar qishloq uy xona eshik deraza yoʻl koʻcha bogʻ togʻ daryo dengiz koʻl
qoʻl oyoq koʻz quloq burun ogʻiz yuz soch yurak bagʻir koʻngil
oq qora qizil sariq koʻk yashil katta kichik yaxshi yomon yangi eski
bir ikki uch toʻrt besh olti yetti sakkiz toʻqqiz oʻn yuz ming
bor yoʻq kerak lozim mumkin emas edi ekan esa ham va bilan uchun keyin oldin
maqsad farzand avlod obod zavod poyezd sud band qand murod
"""
_HAND_VERBS = """
qil et ber ol kel ket bor boʻl qara koʻr yoz oʻqi ayt de tur yur yot
"""
HAND_NOUNS = _HAND_NOUNS.split()
HAND_VERBS = _HAND_VERBS.split()


# ----------------------------------------------------------------- data readers


def ud_rows() -> list[tuple[int, str, str, str]]:
    """(sentence number, form, lemma, upos) of every word of the treebank."""
    rows = []
    sent = 0
    for line in UD.read_text("utf-8").splitlines():
        if line.startswith("# sent_id"):
            sent = int(line.split("=")[1].strip())
            continue
        p = line.split("\t")
        if len(p) != 10 or not p[0].isdigit():
            continue
        if p[3] in ("PUNCT", "NUM", "SYM", "X"):
            continue
        rows.append((sent, p[1], p[2], p[3]))
    return rows


def ud_sentences() -> list[str]:
    return [
        line.split("=", 1)[1].strip()
        for line in UD.read_text("utf-8").splitlines()
        if line.startswith("# text =")
    ]


def unimorph_pairs() -> list[tuple[str, str]]:
    """(form, lemma) single-word pairs; verb lemmas lose their -moq."""
    out = []
    for name in ("uzb", "uzb_verbs"):
        for line in (UNIMORPH / name).read_text("utf-8").splitlines():
            p = line.split("\t")
            if len(p) < 2 or " " in p[0] or " " in p[1] or not p[1]:
                continue
            lemma = fold_latin(p[0])
            if name == "uzb_verbs" and lemma.endswith("moq"):
                lemma = lemma[:-3]
            out.append((fold_latin(p[1]), lemma))
    return out


# ----------------------------------------------------------------- (a) stemmer


def pair_scores(items: Iterable[tuple[str, str]], stem: object) -> tuple[float, float, int]:
    """Pairwise precision and recall of "same lemma <=> same stem" over distinct forms."""
    forms: dict[str, str] = {}
    for form, lemma in items:
        forms.setdefault(form, lemma)
    by_stem: collections.Counter[str] = collections.Counter()
    by_lemma: collections.Counter[str] = collections.Counter()
    by_both: collections.Counter[tuple[str, str]] = collections.Counter()
    for form, lemma in forms.items():
        s = stem(form)  # type: ignore[operator]
        by_stem[s] += 1
        by_lemma[lemma] += 1
        by_both[(lemma, s)] += 1

    def pairs(c: collections.Counter) -> int:  # type: ignore[type-arg]
        return sum(n * (n - 1) // 2 for n in c.values())

    tp, ps, pl = pairs(by_both), pairs(by_stem), pairs(by_lemma)
    return (tp / ps if ps else 1.0), (tp / pl if pl else 1.0), len(forms)


def stemmer_table() -> list[tuple[str, str, float, float, int]]:
    rows = ud_rows()

    def fold_pairs(sel: Iterable[tuple[int, str, str, str]]) -> list[tuple[str, str]]:
        return [(fold_latin(f), fold_latin(lem)) for _, f, lem, _ in sel]

    ud_in = fold_pairs(r for r in rows if r[0] < HELD_OUT_FROM)
    ud_out = fold_pairs(r for r in rows if r[0] >= HELD_OUT_FROM)
    um = unimorph_pairs()
    out = []
    for name, data, note in (
        ("UD news 1-250", ud_in, "in sample"),
        ("UD fiction 251-500", ud_out, "held out"),
        ("UniMorph paradigms", um, "held out"),
    ):
        for label, fn in (("identity", lambda w: w), ("stem_uz", stem_uz)):
            p, r, n = pair_scores(data, fn)
            out.append((f"{name} ({note})", label, p, r, n))
    return out


# ----------------------------------------------------------------- (b) spelling

_APOS_VARIANTS = ["'", "`", "´", "ʻ", "ʼ", "‘", "’"]
_REFORMS = {
    "2021 (ŏ ğ ş ç)": [("o" + OKINA, "ŏ"), ("g" + OKINA, "ğ"), ("sh", "ş"), ("ch", "ç")],
    "2023 (õ ğ ş c)": [("o" + OKINA, "õ"), ("g" + OKINA, "ğ"), ("sh", "ş"), ("ch", "c")],
    "2026 (ö ğ ş ç)": [("o" + OKINA, "ö"), ("g" + OKINA, "ğ"), ("sh", "ş"), ("ch", "ç")],
    "2019 (ó ǵ)": [("o" + OKINA, "ó"), ("g" + OKINA, "ǵ")],
}

DISTINCT_PAIRS = [
    ("bosh", "boʻsh"), ("ot", "oʻt"), ("on", "oʻn"), ("sher", "sheʼr"), ("tana", "taʼna"),
    ("surat", "surʼat"), ("kul", "koʻl"), ("qol", "qoʻl"), ("kol", "koʻl"), ("son", "soʻn"),
    ("tor", "toʻr"), ("yol", "yoʻl"), ("oq", "oʻq"), ("ol", "oʻl"), ("bor", "boʻr"),
    ("gul", "goʻl"), ("toq", "togʻ"), ("boq", "bogʻ"), ("yoq", "yogʻ"), ("sh", "sʼh"),
    ("ishoq", "isʼhoq"), ("maʼno", "mano"), ("qat", "qatʼ"), ("saʼy", "say"),
    ("кўл", "қўл"), ("ун", "ўн"), ("хол", "ҳол"), ("гўр", "ғўр"), ("бош", "бўш"),
    ("кир", "қир"), ("хар", "ҳар"), ("ўт", "от"), ("тўр", "тор"), ("сўз", "суз"),
]  # fmt: skip


def words_of(texts: Iterable[str]) -> list[str]:
    out = []
    for t in texts:
        out.extend(tok.text for tok in analyze(t, "uz") if tok.text[0].isalpha())
    return out


def spelling_table(words: list[str]) -> list[tuple[str, int, int]]:
    """(variant, words checked, words whose key equals the original's)."""
    results: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for w in words:
        key = fold(w, "uz")
        low = key  # key is already the 1995 form
        has_mark = OKINA in low or TUTUQ in low
        if has_mark:
            for a in _APOS_VARIANTS:
                v = w.replace("ʻ", a).replace("ʼ", a).replace("‘", a).replace("’", a)
                v = v.replace("'", a).replace("`", a).replace("´", a)
                r = results[f"apostrophe {a!r}"]
                r[0] += 1
                r[1] += fold(v, "uz") == key
        cyr = to_cyrillic(w)
        r = results["Cyrillic (to_cyrillic)"]
        r[0] += 1
        r[1] += fold(cyr, "uz") == key
        for name, subs in _REFORMS.items():
            v = low
            for a, b in subs:
                v = v.replace(a, b)
            if v == low:
                continue
            r = results[f"reformed {name}"]
            r[0] += 1
            # The 2023 draft's c needs the document-level reading: a reformed text.
            r[1] += fold(v + " ş", "uz").split(" ")[0] == key
    return [(k, v[0], v[1]) for k, v in sorted(results.items())]


def merge_count() -> tuple[int, int, list[tuple[str, str]]]:
    merged = [(a, b) for a, b in DISTINCT_PAIRS if fold(a, "uz") == fold(b, "uz")]
    return len(DISTINCT_PAIRS), len(merged), merged


def stem_merges() -> list[tuple[str, str]]:
    """Distinct words the stemmer must not merge (keys differ, stems must too)."""
    checks = [("ota", "ot"), ("olma", "ol"), ("tizim", "tiz"), ("boshqa", "bosh"),
              ("tomon", "tom"), ("oʻqish", "oʻq"), ("bosh", "boʻsh"), ("sheʼr", "sher")]  # fmt: skip
    return [(a, b) for a, b in checks if stem_uz(fold(a, "uz")) == stem_uz(fold(b, "uz"))]


# ----------------------------------------------------------------- (c) speed


def speed(files: list[str], limit_chars: int) -> list[tuple[str, int, float, float, float]]:
    """(file, words, cold w/s, warm w/s, warm w/s of analyze_tuples), language detected."""
    out = []
    for name in files:
        path = CORPUS / name
        if not path.is_file():
            continue
        text = path.read_text("utf-8")[:limit_chars]
        pages = [text[i : i + 3000] for i in range(0, len(text), 3000)]
        t0 = time.perf_counter()
        n = sum(len(analyze(p)) for p in pages)
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        n2 = sum(len(analyze(p)) for p in pages)
        warm = time.perf_counter() - t0
        t0 = time.perf_counter()
        n3 = sum(len(analyze_tuples(p)) for p in pages)
        tuples = time.perf_counter() - t0
        out.append((name, n, n / cold, n2 / warm, n3 / tuples))
    return out


def catalogue_speed() -> tuple[int, float, float]:
    """Records/s for catalogue-like records (title + creators + subjects, ~20 words each),
    language detected once per record, every record different (cold word caches)."""
    lines = []
    for name in ("ru-tolstoy-kazaki.txt", "en-mill-on-liberty.txt", "uz-muqimiy-sherlar.txt"):
        path = CORPUS / name
        if path.is_file():
            lines += [ln.strip() for ln in path.read_text("utf-8").splitlines() if len(ln) > 40]
    records = [" ".join(lines[i : i + 2])[:160] for i in range(0, len(lines) - 1, 2)]
    words = 0
    t0 = time.perf_counter()
    for rec in records:
        words += len(analyze(rec))
    dt = time.perf_counter() - t0
    return len(records), len(records) / dt, words / dt


# ----------------------------------------------------------------- lexicon


def build_lexicon() -> None:
    tags: dict[str, set[str]] = collections.defaultdict(set)
    for sent, _form, lemma, upos in ud_rows():
        if sent >= HELD_OUT_FROM or upos == "PROPN":
            continue
        w = fold_latin(lemma)
        if w.isalpha() and len(w) >= 2:
            tags[w].add("V" if upos in ("VERB", "AUX") else "N")
    for w in HAND_NOUNS:
        tags[fold_latin(w)].add("N")
    for w in HAND_VERBS:
        tags[fold_latin(w)].add("V")
    header = (
        "# Uzbek stems that the stemmer must not cut further (javon.text.stem_uz):\n"
        "# stem<TAB>N (takes noun endings), V (verb endings) or NV.\n"
        "# Sources: lemmas and parts of speech of sentences 1-250 of UD Uzbek-UT\n"
        "# (CC BY-SA 4.0, Akhundjanova & Talamo 2025; sentences 251-500 are held out for\n"
        "# measuring), plus a hand list of look-alike stems (bench/text_quality.py).\n"
        "# This file is therefore CC BY-SA 4.0. Rebuild: python bench/text_quality.py"
        " --build-lexicon\n"
    )
    body = "\n".join(f"{w}\t{''.join(sorted(t))}" for w, t in sorted(tags.items()))
    LEXICON.write_text(header + body + "\n", "utf-8")
    print(f"wrote {len(tags)} stems to {LEXICON.relative_to(ROOT)}")


# ----------------------------------------------------------------- main


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build-lexicon", action="store_true")
    ap.add_argument("--quick", action="store_true", help="smaller speed sample")
    args = ap.parse_args()
    if args.build_lexicon:
        build_lexicon()
        return

    print("(a) Uzbek stemmer: pairwise same-lemma <=> same-stem")
    print(f"  {'data':38} {'stemmer':9} {'P':>6} {'R':>6} {'forms':>6}")
    for name, label, p, r, n in stemmer_table():
        print(f"  {name:38} {label:9} {p:6.3f} {r:6.3f} {n:6d}")
    bad = stem_merges()
    print(f"  look-alike stems merged: {len(bad)} {bad if bad else ''}")

    print("\n(b) cross-spelling recall: key of the variant == key of the original")
    cv = [line for line in CV.read_text("utf-8").splitlines() if line.strip()]
    words = words_of(cv + ud_sentences())
    print(f"  {len(words)} running words (Common Voice excerpt + UD treebank)")
    print(f"  {'variant':32} {'words':>7} {'recall':>8}")
    for name, n, ok in spelling_table(words):
        print(f"  {name:32} {n:7d} {ok / n:8.4f}")
    total, merged, which = merge_count()
    print(f"  distinct-word pairs merged by the key: {merged} of {total} {which or ''}")

    print("\n(c) analyze() speed, 3,000-character pages, language detected per page")
    files = ["ru-tolstoy-anna-karenina.txt", "en-melville-moby-dick.txt"]
    files += sorted(p.name for p in CORPUS.glob("uz-*.txt"))
    limit = 300_000 if args.quick else 10**9
    print(f"  {'text':45} {'words':>8} {'cold w/s':>10} {'warm w/s':>10} {'tuples w/s':>11}")
    tot_n = 0
    tot_t = 0.0
    for name, n, cold, warm, tup in speed(files, limit):
        print(f"  {name:45} {n:8d} {cold:10.0f} {warm:10.0f} {tup:11.0f}")
        tot_n += n
        tot_t += n / cold
    if tot_t:
        print(f"  {'all (cold, includes loading the language model)':45} {tot_n:8d} "
              f"{tot_n / tot_t:10.0f}")  # fmt: skip
    n, rps, wps = catalogue_speed()
    print(f"  catalogue-like records: {n} records, {rps:.0f} records/s ({wps:.0f} words/s)")


if __name__ == "__main__":
    main()
