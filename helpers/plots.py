"""One matplotlib style for the course, and the few chart shapes the chapters reuse.

Notebooks call `helpers.setup.start()` (which applies `style()`), then these functions; each
chart gets a title and axis labels. `model_label` names the model that answered (for titles);
`transformer_diagram` is chapter 2's picture of the architecture.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch, Rectangle

from helpers import hub


def style() -> None:
    """Apply the course's plot style (readable sizes, light grid, no top/right spines)."""
    plt.rcParams.update(
        {
            "figure.figsize": (6.4, 3.6),
            "figure.dpi": 100,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titleweight": "bold",
            "font.size": 10,
            "savefig.bbox": "tight",
        }
    )


def bars(
    labels: Sequence[str], values: Sequence[float], title: str, xlabel: str, ylabel: str = "", limit: float | None = 1.0
) -> Axes:
    """Horizontal bar chart of `values` per label, each bar annotated with its value."""
    fig, ax = plt.subplots(figsize=(6.4, 0.5 + 0.45 * len(labels)))
    ax.barh(list(labels)[::-1], list(values)[::-1], color="#4C72B0")
    for y, v in enumerate(list(values)[::-1]):
        ax.text(v, y, f" {v:.3f}", va="center")
    if limit is not None:
        ax.set_xlim(0, limit * 1.15)
    ax.set(title=title, xlabel=xlabel, ylabel=ylabel)
    return ax


def heatmap(
    matrix: Sequence[Sequence[float]],
    xlabels: Sequence[str],
    ylabels: Sequence[str],
    title: str,
    ax: Axes | None = None,
) -> Axes:
    """Heat map of a matrix (e.g. attention weights) with token labels on both axes."""
    if ax is None:
        _, ax = plt.subplots(figsize=(0.4 * len(xlabels) + 2, 0.4 * len(ylabels) + 1.5))
    image = ax.imshow(matrix, cmap="viridis", vmin=0)
    ax.set_xticks(range(len(xlabels)), xlabels, rotation=90)
    ax.set_yticks(range(len(ylabels)), ylabels)
    ax.grid(False)
    ax.set(title=title, xlabel="attended-to token (key)", ylabel="token (query)")
    ax.figure.colorbar(image, ax=ax, fraction=0.046)
    return ax


def heatmap_grid(
    matrices: Sequence[Sequence[Sequence[float]]],
    labels: Sequence[str],
    titles: Sequence[str],
    suptitle: str,
    ncols: int = 4,
) -> plt.Figure:
    """Grid of small square heat maps (e.g. one per attention head) sharing token labels on the edges."""
    nrows = -(-len(matrices) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.3 * ncols, 2.3 * nrows + 0.4), squeeze=False)
    for k, ax in enumerate(axes.flat):
        if k >= len(matrices):
            ax.axis("off")
            continue
        ax.imshow(matrices[k], cmap="viridis", vmin=0, vmax=1)
        ax.grid(False)
        ax.set_title(titles[k], fontsize=9)
        col = k % ncols
        last_row = k + ncols >= len(matrices)
        ax.set_xticks(range(len(labels)), labels if last_row else [], rotation=90, fontsize=7)
        ax.set_yticks(range(len(labels)), labels if col == 0 else [], fontsize=7)
    fig.suptitle(suptitle, fontweight="bold")
    fig.supxlabel("attended-to token (key)", fontsize=9)
    fig.supylabel("token (query)", fontsize=9)
    return fig


def model_label(name: str) -> str:
    """Hub name for a plot title, plus the stand-in that answered offline.

    Example: `model_label("gpt2")` is "gpt2 (offline stand-in: SmolLM2-135M-Instruct)" offline, "gpt2" online.
    """
    artifact = hub.stand_in(name)
    if artifact is None:
        return name
    return f"{name} (offline stand-in: {hub.describe(artifact).split(' (')[0].split(' from ')[0]})"


def _box(ax: Axes, x: float, y: float, w: float, h: float, text: str, color: str) -> None:
    ax.add_patch(Rectangle((x, y), w, h, facecolor=color, edgecolor="black", linewidth=1))
    ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=7.5)


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], **kwargs: object) -> None:
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10, linewidth=1, **kwargs))


def transformer_diagram() -> plt.Figure:
    """The encoder-decoder Transformer (Vaswani et al., 2017): stacks, cross-attention, causal mask (chapter 2)."""
    fig, ax = plt.subplots(figsize=(8, 4.6))
    ax.set(xlim=(0, 10), ylim=(0, 6.2), title="The Transformer: encoder (left), decoder (right)")
    ax.axis("off")
    enc, dec = "#C9DAF0", "#F3D9C1"
    # encoder stack
    ax.add_patch(Rectangle((0.4, 1.4), 3.2, 3.1, facecolor="none", edgecolor="grey", linestyle="--"))
    ax.text(0.5, 4.2, "encoder layer x N", fontsize=8, color="grey")
    _box(ax, 0.7, 1.7, 2.6, 0.7, "self-attention\n(every token sees every token)", enc)
    _box(ax, 0.7, 2.9, 2.6, 0.6, "feed-forward", enc)
    _box(ax, 0.7, 0.4, 2.6, 0.6, "embeddings of the input tokens", enc)
    _arrow(ax, (2.0, 1.0), (2.0, 1.7))
    _arrow(ax, (2.0, 2.4), (2.0, 2.9))
    _box(ax, 0.7, 5.0, 2.6, 0.7, "hidden states\n(one vector per token)", enc)
    _arrow(ax, (2.0, 3.5), (2.0, 5.0))
    # decoder stack
    ax.add_patch(Rectangle((4.6, 1.4), 3.2, 3.6, facecolor="none", edgecolor="grey", linestyle="--"))
    ax.text(4.7, 4.7, "decoder layer x N", fontsize=8, color="grey")
    _box(ax, 4.9, 1.6, 2.6, 0.7, "masked self-attention\n(each token sees its left)", dec)
    _box(ax, 4.9, 2.65, 2.6, 0.7, "cross-attention\n(reads the encoder's states)", dec)
    _box(ax, 4.9, 3.7, 2.6, 0.6, "feed-forward", dec)
    _box(ax, 4.9, 0.4, 2.6, 0.6, "embeddings of the tokens so far", dec)
    _box(ax, 4.9, 5.2, 2.6, 0.7, "linear + softmax:\nnext-token probabilities", dec)
    for y0, y1 in ((1.0, 1.6), (2.3, 2.65), (3.35, 3.7), (4.3, 5.2)):
        _arrow(ax, (6.2, y0), (6.2, y1))
    _arrow(ax, (3.3, 5.35), (4.9, 3.0), connectionstyle="arc3,rad=-0.25", color="#C44E52")
    ax.text(3.45, 4.45, "cross-attention", fontsize=8, color="#C44E52", rotation=-35)
    # causal mask
    n = 5
    for i in range(n):
        for j in range(n):
            color = "#4C72B0" if j <= i else "white"
            ax.add_patch(Rectangle((8.3 + 0.3 * j, 3.4 - 0.3 * i), 0.3, 0.3, facecolor=color, edgecolor="grey"))
    ax.text(9.05, 3.85, "causal mask", ha="center", fontsize=8)
    ax.text(9.05, 1.85, "row = query token,\ncolumn = key token;\nblue = may attend", ha="center", va="top", fontsize=7)
    ax.text(0.4, 6.0, "encoder-only (BERT): left part only", fontsize=8)
    ax.text(4.6, 6.0, "decoder-only (GPT-2): right part, no cross-attention", fontsize=8)
    return fig
