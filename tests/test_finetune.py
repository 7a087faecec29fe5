"""helpers.finetune: the encoder preparation of chapters 5 and 6, on tiny random models of several architectures."""

import pytest
import torch
from transformers import (
    AlbertConfig,
    AlbertForSequenceClassification,
    BertConfig,
    BertForSequenceClassification,
    DistilBertConfig,
    DistilBertForSequenceClassification,
    RobertaConfig,
    RobertaForSequenceClassification,
)

from helpers.finetune import NOISE_RATIO, pooler_layer, prepare_encoder, spectral_ratio

HIDDEN = 64


def tiny_bert() -> BertForSequenceClassification:
    """A 2-layer BERT classifier with a randomly initialised (untrained) pooler."""
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=100,
        hidden_size=HIDDEN,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=32,
        num_labels=2,
    )
    return BertForSequenceClassification(config)


def test_noise_has_ratio_near_two_and_structure_a_larger_one():
    torch.manual_seed(1)
    noise = torch.randn(384, 384) * 0.02
    assert 1.9 < spectral_ratio(noise) < NOISE_RATIO
    u, v = torch.randn(384, 1), torch.randn(1, 384)
    structured = noise + 0.002 * u @ v  # one dominant direction, as training leaves
    assert spectral_ratio(structured) > NOISE_RATIO
    # independent check of the ratio on a diagonal matrix: singular values are |diagonal|
    assert spectral_ratio(torch.diag(torch.tensor([3.0, 1.0, 1.0, 1.0]))) == pytest.approx(3 / (12 / 4) ** 0.5)


def test_untrained_pooler_starts_at_the_identity_and_embeddings_freeze():
    model = tiny_bert()
    changes = prepare_encoder(model, freeze_embeddings=True)
    assert torch.equal(model.bert.pooler.dense.weight, torch.eye(HIDDEN))
    assert not model.bert.pooler.dense.bias.any()
    assert not model.bert.embeddings.word_embeddings.weight.requires_grad
    assert model.bert.encoder.layer[0].attention.self.query.weight.requires_grad
    assert changes[0].startswith("pooler started at the identity") and "word embeddings frozen" in changes


def test_trained_pooler_is_left_alone_and_nothing_frozen():
    model = tiny_bert()
    with torch.no_grad():  # give the pooler the dominant directions training leaves
        model.bert.pooler.dense.weight.add_(0.01 * torch.randn(HIDDEN, 1) @ torch.randn(1, HIDDEN))
    before = model.bert.pooler.dense.weight.clone()
    changes = prepare_encoder(model, freeze_embeddings=False)
    assert torch.equal(model.bert.pooler.dense.weight, before)
    assert all(p.requires_grad for p in model.parameters())
    total = sum(p.numel() for p in model.parameters())
    assert changes[0].startswith("pooler kept as pretrained")
    assert changes[-1] == f"trainable parameters: {total / 1e6:.1f}M of {total / 1e6:.1f}M"


@pytest.mark.parametrize(
    "build",
    [
        lambda: DistilBertForSequenceClassification(
            DistilBertConfig(vocab_size=100, dim=32, n_layers=1, n_heads=2, hidden_dim=64)
        ),
        lambda: AlbertForSequenceClassification(
            AlbertConfig(
                vocab_size=100,
                embedding_size=16,
                hidden_size=32,
                num_hidden_layers=1,
                num_attention_heads=2,
                intermediate_size=64,
            )
        ),
        lambda: RobertaForSequenceClassification(
            RobertaConfig(
                vocab_size=100, hidden_size=32, num_hidden_layers=1, num_attention_heads=2, intermediate_size=64
            )
        ),
    ],
    ids=["distilbert", "albert", "roberta"],
)
def test_other_architectures_do_not_crash(build):
    torch.manual_seed(0)
    model = build()
    changes = prepare_encoder(model, freeze_embeddings=True)
    assert not model.get_input_embeddings().weight.requires_grad
    if isinstance(model, AlbertForSequenceClassification):  # ALBERT's pooler is one Linear layer
        assert pooler_layer(model) is model.albert.pooler and changes[0].startswith("pooler started")
    else:  # DistilBERT has none; RoBERTa's classification model is built without its pooler
        assert pooler_layer(model) is None and changes[0].startswith("no pooler in")


def test_untrained_pooler_can_be_kept_for_the_ablation():
    model = tiny_bert()
    before = pooler_layer(model).weight.clone()
    changes = prepare_encoder(model, freeze_embeddings=False, reset_untrained_pooler=False)
    assert torch.equal(pooler_layer(model).weight, before)
    assert "kept as it is" in changes[0]
