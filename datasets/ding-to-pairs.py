#!/usr/bin/env python3
"""Turns the Ding German-English dictionary into aligned English -> German sentence pairs.

    datasets/ding-to-pairs.py [DING_FILE] [OUT_DIR]

DING_FILE defaults to /usr/share/trans/de-en (Debian package trans-de-en), OUT_DIR to
datasets/ding-en-de next to this script. Writes train.en/train.de, valid.en/valid.de and
test.en/test.de: line i of X.en translates to line i of X.de.

A Ding line is "German :: English". Each side is a list of sub-entries separated by " | "
(a headword, its plural or conjugated forms, phrases and example sentences), and the two
sides' sub-entries correspond one to one. Within a sub-entry, alternatives are separated by
"; ". Annotations are in {} (grammar: {m}, {vt}), [] (region, field: [Br.], [techn.]),
() (explanations) and <> (alternative spellings, keywords).

For every pair of corresponding sub-entries this script strips the annotations, takes the
first alternative of each side, removes the whitespace the annotations leave, and keeps the pair when both sides
are non-empty and at most 40 words long. Lines whose two sides have different numbers of
sub-entries are skipped (their alignment is unknown). Repeated pairs are kept once.

The split is fixed and deterministic: a pair goes to test when the MD5 hash of its English
side is 0 to 9 modulo 1000 (1%), to valid when it is 10 to 19 (1%), to train otherwise. Hashing
the English side keeps an English phrase and all its translations in one split. The dictionary
is sorted by German headword, so each split is then shuffled with a fixed seed: the first N
training pairs (dataset.train_limit) are a sample of the whole alphabet, not the words in A.
"""
import hashlib
import os
import random
import re
import sys

ANNOTATION = re.compile(r"\{[^{}]*\}|\[[^\[\]]*\]|\([^()]*\)|<[^<>]*>")
MAX_WORDS = 40


def clean(text):
    previous = None
    while previous != text:  # nested brackets: strip from the inside out
        previous = text
        text = ANNOTATION.sub(" ", text)
    return " ".join(text.split())


def first_alternative(sub_entry):
    # annotations first: some hold a ";" themselves, e.g. {felt; felt}
    return clean(clean(sub_entry).split(";")[0])


def pairs(lines):
    seen = set()
    for line in lines:
        line = line.rstrip("\n")
        if not line or line.startswith("#") or " :: " not in line:
            continue
        german, english = line.split(" :: ", 1)
        de_parts, en_parts = german.split(" | "), english.split(" | ")
        if len(de_parts) != len(en_parts):
            continue
        for de, en in zip(de_parts, en_parts):
            de, en = first_alternative(de), first_alternative(en)
            if not de or not en or len(de.split()) > MAX_WORDS or len(en.split()) > MAX_WORDS:
                continue
            if (en, de) in seen:
                continue
            seen.add((en, de))
            yield en, de


def split_of(english):
    bucket = int(hashlib.md5(english.encode("utf-8")).hexdigest(), 16) % 1000
    return "test" if bucket < 10 else "valid" if bucket < 20 else "train"


def main():
    source = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/trans/de-en"
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "ding-en-de")
    if not os.path.exists(source):
        sys.exit(f"{source} is missing: install the Debian package trans-de-en (apt-get install trans-de-en) or pass the Ding file")
    os.makedirs(out, exist_ok=True)
    splits = {"train": [], "valid": [], "test": []}
    with open(source, encoding="utf-8") as f:
        for en, de in pairs(f):
            splits[split_of(en)].append((en, de))
    for name, items in splits.items():
        random.Random(0).shuffle(items)
        for index, lang in ((0, "en"), (1, "de")):
            with open(os.path.join(out, f"{name}.{lang}"), "w", encoding="utf-8") as f:
                f.writelines(pair[index] + "\n" for pair in items)
    print(f"{out}: " + ", ".join(f"{len(items):,} {name} pairs" for name, items in splits.items()))


if __name__ == "__main__":
    main()
