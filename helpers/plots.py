"""One matplotlib style for the course, and the few chart shapes the chapters reuse.

Notebooks call `helpers.setup.start()` (which applies `style()`), then these functions; each
chart gets a title and axis labels.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
from matplotlib.axes import Axes


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
