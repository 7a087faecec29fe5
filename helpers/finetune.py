"""Preparing a pretrained encoder for fine-tuning on sentence pairs (chapters 5 and 6).

Works for any architecture `AutoModelForSequenceClassification` builds: BERT and RoBERTa have a
pooler (`pooler.dense`), ALBERT a pooler that is one linear layer, DistilBERT and ELECTRA none.
A pooler is started at the identity only when it is demonstrably untrained: the singular values
of a square weight matrix of random noise spread like Marchenko-Pastur's law, whose largest is
about 2x the root-mean-square one, while trained layers have a few dominant directions (2.2-3.8
for every square matrix of all-MiniLM-L6-v2's trained layers, 1.97 for its pooler).
"""

from __future__ import annotations

import torch

NOISE_RATIO = 2.1  # largest / RMS singular value below which a square weight matrix looks like random noise


def spectral_ratio(weight: torch.Tensor) -> float:
    """Return the largest singular value of `weight` over the root-mean-square one (about 2 for noise)."""
    singular = torch.linalg.svdvals(weight.detach().float())
    return float(singular[0] / singular.pow(2).mean().sqrt())


def pooler_layer(model: torch.nn.Module) -> torch.nn.Linear | None:
    """Return the square linear layer of the model's pooler, or None for models without one."""
    pooler = getattr(model.base_model, "pooler", None)
    layer = getattr(pooler, "dense", pooler)
    if isinstance(layer, torch.nn.Linear) and layer.in_features == layer.out_features:
        return layer
    return None


def prepare_encoder(model: torch.nn.Module, freeze_embeddings: bool, reset_untrained_pooler: bool = True) -> list[str]:
    """Start an untrained pooler at the identity (unless told not to), optionally freeze the word
    embeddings; say what changed."""
    changes = []
    pooler = pooler_layer(model)
    if pooler is None:
        changes.append(f"no pooler in {type(model.base_model).__name__}: the head reads the first token directly")
    else:
        ratio = spectral_ratio(pooler.weight)
        if ratio < NOISE_RATIO and not reset_untrained_pooler:
            changes.append(f"pooler kept as it is, although it looks untrained (singular-value ratio {ratio:.2f})")
        elif ratio < NOISE_RATIO:
            with torch.no_grad():
                pooler.weight.copy_(torch.eye(pooler.in_features))
                pooler.bias.zero_()
            changes.append(
                f"pooler started at the identity: its weights look untrained "
                f"(singular-value ratio {ratio:.2f} < {NOISE_RATIO}, as random noise)"
            )
        else:
            changes.append(f"pooler kept as pretrained (singular-value ratio {ratio:.2f} >= {NOISE_RATIO}: trained)")
    model.get_input_embeddings().weight.requires_grad_(not freeze_embeddings)
    if freeze_embeddings:
        changes.append("word embeddings frozen")
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    changes.append(f"trainable parameters: {trainable / 1e6:.1f}M of {model.num_parameters() / 1e6:.1f}M")
    return changes
