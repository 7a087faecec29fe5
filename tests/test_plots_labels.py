"""helpers.plots.model_label and transformer_diagram (chapter 2): titles name the model that answered."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

from matplotlib.patches import Rectangle  # noqa: E402

from helpers import plots  # noqa: E402


def test_model_label_names_the_stand_in_offline(monkeypatch):
    monkeypatch.setenv("COURSE_HUB", "offline")
    assert plots.model_label("gpt2") == "gpt2 (offline stand-in: SmolLM2-135M-Instruct)"
    assert plots.model_label("bert-base-uncased") == "bert-base-uncased (offline stand-in: all-MiniLM-L6-v2)"
    # a real model served offline has no stand-in
    assert plots.model_label("sentence-transformers/all-MiniLM-L6-v2") == "sentence-transformers/all-MiniLM-L6-v2"


def test_model_label_is_the_hub_name_online(monkeypatch):
    monkeypatch.setattr(plots.hub, "mode", lambda: "online")
    assert plots.model_label("gpt2") == "gpt2"


def test_transformer_diagram_draws_a_lower_triangular_causal_mask():
    fig = plots.transformer_diagram()
    ax = fig.axes[0]
    cells = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_width() == 0.3]
    filled = sum(p.get_facecolor()[:3] != (1.0, 1.0, 1.0) for p in cells)
    assert len(cells) == 25 and filled == 15  # 5 x 5 grid, 1 + 2 + 3 + 4 + 5 may attend
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "cross-attention" in texts and "masked self-attention" in texts
    matplotlib.pyplot.close(fig)
