"""Plot helpers draw what they are given, with titles and labels."""

import matplotlib

matplotlib.use("Agg")

from helpers import plots  # noqa: E402


def test_bars_draw_one_bar_per_label_with_title():
    ax = plots.bars(["POSITIVE", "NEGATIVE"], [0.9, 0.1], "Scores", "probability")
    assert len(ax.patches) == 2 and ax.get_title() == "Scores" and ax.get_xlabel() == "probability"
    assert sorted(round(p.get_width(), 3) for p in ax.patches) == [0.1, 0.9]


def test_heatmap_labels_both_axes():
    ax = plots.heatmap([[0.5, 0.5], [0.2, 0.8]], ["a", "b"], ["a", "b"], "Attention")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    assert ax.get_title() == "Attention"
