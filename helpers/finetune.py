"""Preparing a pretrained encoder for fine-tuning on sentence pairs (chapters 5 and 6)."""

from __future__ import annotations

import torch


def prepare_encoder(model: torch.nn.Module, freeze_embeddings: bool) -> list[str]:
    """Start an untrained pooler at the identity, optionally freeze the word embeddings; say what changed."""
    changes = []
    pooler = model.base_model.pooler.dense
    if pooler.weight.std() < 0.5 * model.config.initializer_range:  # smaller than a fresh layer: never trained
        with torch.no_grad():
            pooler.weight.copy_(torch.eye(pooler.weight.shape[0]))
            pooler.bias.zero_()
        changes.append("pooler started at the identity (its pretrained weights look untrained)")
    model.base_model.embeddings.word_embeddings.weight.requires_grad_(not freeze_embeddings)
    if freeze_embeddings:
        changes.append("word embeddings frozen")
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    changes.append(f"trainable parameters: {trainable / 1e6:.1f}M of {model.num_parameters() / 1e6:.1f}M")
    return changes
