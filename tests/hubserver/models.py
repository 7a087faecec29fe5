"""The model repositories of the local Hub: tiny random models with the real checkpoints' layout.

`tests.hubserver.build` calls `write_model(spec, folder)` for every entry of `MODELS`. Each repo
has the real checkpoint's model class (`architectures`), `model_type`, labels, special tokens and
tokenizer type, but tiny sizes (hidden 32, 2 layers, 4 heads, intermediate 64) and random weights
from a fixed seed, plus a model card saying that it is a test fixture.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.hubserver import vocab

SEED = 0
TINY_BERT = {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 64}
TINY_DISTILBERT = {"dim": 32, "n_layers": 2, "n_heads": 4, "hidden_dim": 64}
TINY_GPT2 = {"n_embd": 32, "n_layer": 2, "n_head": 4, "n_inner": 64}
TINY_BART = {
    "d_model": 32,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "encoder_attention_heads": 4,
    "decoder_attention_heads": 4,
    "encoder_ffn_dim": 64,
    "decoder_ffn_dim": 64,
}
TINY_LLAMA = {
    "hidden_size": 32,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "num_key_value_heads": 2,
    "intermediate_size": 64,
}
SST2_LABELS = {0: "NEGATIVE", 1: "POSITIVE"}
MNLI_LABELS = {0: "contradiction", 1: "neutral", 2: "entailment"}
CHATML = (
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] "
    "+ '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}"
    "{% endif %}"
)


@dataclass(frozen=True)
class ModelSpec:
    """One model repo: its Hub id, legacy names that redirect to it, and how to make its files."""

    repo_id: str
    aliases: tuple[str, ...]
    pipeline_tag: str
    make: Callable[[Path], None]


def _labels(id2label: dict[int, str]) -> dict[str, Any]:
    """Config keyword arguments for a classification head with these labels."""
    return {"id2label": dict(id2label), "label2id": {v: k for k, v in id2label.items()}}


def _save(model_cls: type, config: Any, tokenizer: Any, folder: Path) -> None:
    """Initialise `model_cls(config)` from the fixed seed and save model and tokenizer into `folder`."""
    import torch

    torch.manual_seed(SEED)
    model = model_cls(config).eval()
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)


def _wordpiece(cls_name: str, uncased: bool, folder: Path, max_length: int = 512) -> Any:
    """A BERT-style WordPiece tokenizer (uncased MiniLM vocabulary or the cased course one)."""
    import transformers

    words = vocab.uncased_vocab() if uncased else vocab.cased_vocab()
    vocab.write_vocab_txt(words, folder / "vocab.txt")
    cls = getattr(transformers, cls_name)
    return cls(
        vocab=words, do_lower_case=uncased, strip_accents=None if uncased else False, model_max_length=max_length
    )


def _gpt2_tokenizer(folder: Path, extra_specials: tuple[str, ...] = (), **kwargs: Any) -> Any:
    """The real GPT-2 byte-level BPE tokenizer, optionally with special tokens appended after id 50256."""
    from transformers import GPT2Tokenizer

    words, merges = vocab.gpt2_vocab(), vocab.gpt2_merges()
    for token in extra_specials:
        words[token] = len(words)
    vocab.write_bpe_files(words, merges, folder)
    tokenizer = GPT2Tokenizer(vocab=words, merges=merges, **kwargs)
    if extra_specials:
        tokenizer.add_special_tokens({"additional_special_tokens": list(extra_specials)})
    return tokenizer


def make_distilbert_sst2(folder: Path) -> None:
    """distilbert-base-uncased-finetuned-sst-2-english: DistilBertForSequenceClassification."""
    from transformers import DistilBertConfig, DistilBertForSequenceClassification

    tokenizer = _wordpiece("DistilBertTokenizer", True, folder)
    config = DistilBertConfig(
        vocab_size=len(tokenizer), finetuning_task="sst-2", **TINY_DISTILBERT, **_labels(SST2_LABELS)
    )
    _save(DistilBertForSequenceClassification, config, tokenizer, folder)


def make_distilbert_mlm(folder: Path) -> None:
    """distilbert-base-uncased: DistilBertForMaskedLM, uncased."""
    from transformers import DistilBertConfig, DistilBertForMaskedLM

    tokenizer = _wordpiece("DistilBertTokenizer", True, folder)
    _save(DistilBertForMaskedLM, DistilBertConfig(vocab_size=len(tokenizer), **TINY_DISTILBERT), tokenizer, folder)


def make_bert_mlm(uncased: bool) -> Callable[[Path], None]:
    """bert-base-uncased / bert-base-cased: BertForMaskedLM with an uncased or cased vocabulary."""

    def make(folder: Path) -> None:
        from transformers import BertConfig, BertForMaskedLM

        tokenizer = _wordpiece("BertTokenizer", uncased, folder)
        _save(BertForMaskedLM, BertConfig(vocab_size=len(tokenizer), **TINY_BERT), tokenizer, folder)

    return make


def make_minilm(folder: Path) -> None:
    """sentence-transformers/all-MiniLM-L6-v2: BertModel, uncased, with sentence-transformers' files."""
    from transformers import BertConfig, BertModel

    tokenizer = _wordpiece("BertTokenizer", True, folder)
    _save(BertModel, BertConfig(vocab_size=len(tokenizer), **TINY_BERT), tokenizer, folder)
    (folder / "1_Pooling").mkdir()
    pooling = {"word_embedding_dimension": TINY_BERT["hidden_size"], "pooling_mode_mean_tokens": True}
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(pooling, indent=2) + "\n")
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ]
    (folder / "modules.json").write_text(json.dumps(modules, indent=2) + "\n")
    (folder / "sentence_bert_config.json").write_text(
        json.dumps({"max_seq_length": 256, "do_lower_case": False}) + "\n"
    )


def make_gpt2(folder: Path) -> None:
    """gpt2 / distilgpt2: GPT2LMHeadModel with the real GPT-2 tokenizer (50,257 tokens)."""
    from transformers import GPT2Config, GPT2LMHeadModel

    tokenizer = _gpt2_tokenizer(folder, model_max_length=1024)
    config = GPT2Config(
        vocab_size=len(tokenizer),
        bos_token_id=50256,
        eos_token_id=50256,
        task_specific_params={"text-generation": {"do_sample": True, "max_length": 50}},
        **TINY_GPT2,
    )
    _save(GPT2LMHeadModel, config, tokenizer, folder)


def make_bart_mnli(folder: Path) -> None:
    """facebook/bart-large-mnli: BartForSequenceClassification, GPT-2 BPE with BART's special tokens.

    BART's ids 0-3 are <s> <pad> </s> <unk> and its last id is <mask>; the GPT-2 tokens fill the
    ids between, shifted by 4 (the real BART vocabulary orders them differently).
    """
    from transformers import BartConfig, BartForSequenceClassification, RobertaTokenizer

    words = {"<s>": 0, "<pad>": 1, "</s>": 2, "<unk>": 3}
    words.update({token: i + 4 for token, i in vocab.gpt2_vocab().items()})
    words["<mask>"] = len(words)
    merges = vocab.gpt2_merges()
    vocab.write_bpe_files(words, merges, folder)
    tokenizer = RobertaTokenizer(vocab=words, merges=merges, model_max_length=1024)
    config = BartConfig(
        vocab_size=len(words),
        max_position_embeddings=1024,
        bos_token_id=0,
        pad_token_id=1,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_eos_token_id=2,
        **TINY_BART,
        **_labels(MNLI_LABELS),
    )
    _save(BartForSequenceClassification, config, tokenizer, folder)
    _set_tokenizer_class(folder, "BartTokenizer")


def make_smollm2(folder: Path) -> None:
    """HuggingFaceTB/SmolLM2-135M-Instruct: LlamaForCausalLM, GPT-2 BPE plus ChatML tokens."""
    from transformers import LlamaConfig, LlamaForCausalLM

    tokenizer = _gpt2_tokenizer(
        folder,
        ("<|im_start|>", "<|im_end|>"),
        bos_token="<|im_start|>",
        eos_token="<|im_end|>",
        pad_token="<|im_end|>",
        model_max_length=8192,
    )
    tokenizer.chat_template = CHATML
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        max_position_embeddings=8192,
        tie_word_embeddings=True,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        **TINY_LLAMA,
    )
    _save(LlamaForCausalLM, config, tokenizer, folder)


def _set_tokenizer_class(folder: Path, name: str) -> None:
    """Record the tokenizer class name the real checkpoint declares (e.g. BartTokenizer)."""
    path = folder / "tokenizer_config.json"
    settings = json.loads(path.read_text())
    settings["tokenizer_class"] = name
    path.write_text(json.dumps(settings, indent=2, sort_keys=True) + "\n")


MODELS: tuple[ModelSpec, ...] = (
    ModelSpec(
        "distilbert/distilbert-base-uncased-finetuned-sst-2-english",
        ("distilbert-base-uncased-finetuned-sst-2-english",),
        "text-classification",
        make_distilbert_sst2,
    ),
    ModelSpec("facebook/bart-large-mnli", (), "zero-shot-classification", make_bart_mnli),
    ModelSpec("openai-community/gpt2", ("gpt2",), "text-generation", make_gpt2),
    ModelSpec("distilbert/distilgpt2", ("distilgpt2",), "text-generation", make_gpt2),
    ModelSpec("google-bert/bert-base-uncased", ("bert-base-uncased",), "fill-mask", make_bert_mlm(True)),
    ModelSpec("google-bert/bert-base-cased", ("bert-base-cased",), "fill-mask", make_bert_mlm(False)),
    ModelSpec("distilbert/distilbert-base-uncased", ("distilbert-base-uncased",), "fill-mask", make_distilbert_mlm),
    ModelSpec("sentence-transformers/all-MiniLM-L6-v2", (), "sentence-similarity", make_minilm),
    ModelSpec("HuggingFaceTB/SmolLM2-135M-Instruct", (), "text-generation", make_smollm2),
)


def pinned_revisions() -> dict[str, str]:
    """Short commit ids that transformers' pipeline defaults pin, by repo (e.g. sst-2 @ 714eb0f).

    `pipeline("sentiment-analysis")` with no model asks for that revision; the build starts the
    fake commit sha of our repo with it, and the server accepts a sha prefix as the Hub does.
    """
    from transformers.pipelines import SUPPORTED_TASKS

    pins: dict[str, str] = {}
    for task in SUPPORTED_TASKS.values():
        for value in task.get("default", {}).values():
            for name, revision in [value] if isinstance(value, tuple) else list(value.values()):
                if re.fullmatch(r"[0-9a-f]{7,40}", revision):
                    pins.setdefault(name, revision)
    return pins


def model_card(spec: ModelSpec) -> str:
    """The README.md of a fixture repo: YAML metadata, then a warning that it is not the real model."""
    names = " (also known as " + ", ".join(spec.aliases) + ")" if spec.aliases else ""
    return (
        f"---\nlibrary_name: transformers\npipeline_tag: {spec.pipeline_tag}\ntags:\n- test-fixture\n"
        f"- tiny-random\n---\n\n# {spec.repo_id} (test fixture)\n\n"
        f"Tiny randomly initialised test fixture with the architecture of {spec.repo_id}{names}; "
        "NOT the real model.\n\nBuilt by `tests/hubserver/build.py` of the course *Transformers, executed* "
        "and served by its local Hub stand-in (`tests/hubserver/server.py`) so that the course runs "
        "online with no network. Its outputs are meaningless.\n"
    )


def write_model(spec: ModelSpec, folder: Path) -> None:
    """Write one fixture model repo (weights, config, tokenizer, model card) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    spec.make(folder)
    (folder / "README.md").write_text(model_card(spec))
