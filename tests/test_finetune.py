"""helpers.finetune: the encoder preparation of chapters 5 and 6, on a tiny random BERT."""

import torch
from transformers import BertConfig, BertForSequenceClassification

from helpers.finetune import prepare_encoder


def tiny_bert(pooler_std: float) -> BertForSequenceClassification:
    """A 2-layer BERT classifier whose pooler weights have the given standard deviation."""
    torch.manual_seed(0)
    config = BertConfig(vocab_size=100, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=32, num_labels=2)
    model = BertForSequenceClassification(config)
    with torch.no_grad():
        model.bert.pooler.dense.weight.normal_(0, pooler_std)
    return model


def test_untrained_pooler_starts_at_the_identity_and_embeddings_freeze():
    model = tiny_bert(pooler_std=0.005)
    changes = prepare_encoder(model, freeze_embeddings=True)
    assert torch.equal(model.bert.pooler.dense.weight, torch.eye(16))
    assert not model.bert.pooler.dense.bias.any()
    assert not model.bert.embeddings.word_embeddings.weight.requires_grad
    assert model.bert.encoder.layer[0].attention.self.query.weight.requires_grad
    assert changes[0].startswith("pooler started at the identity") and "word embeddings frozen" in changes


def test_trained_pooler_is_left_alone_and_nothing_frozen():
    model = tiny_bert(pooler_std=0.05)
    before = model.bert.pooler.dense.weight.clone()
    changes = prepare_encoder(model, freeze_embeddings=False)
    assert torch.equal(model.bert.pooler.dense.weight, before)
    assert all(p.requires_grad for p in model.parameters())
    total = sum(p.numel() for p in model.parameters())
    assert changes == [f"trainable parameters: {total / 1e6:.1f}M of {total / 1e6:.1f}M"]
