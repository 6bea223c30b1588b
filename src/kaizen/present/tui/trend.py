"""The trend pane: share of the run time saved over the night, one line per benchmark (plotext)."""

from __future__ import annotations

from textual_plotext import PlotextPlot

Series = dict[str, list[tuple[float, float]]]


def steps(points: list[tuple[float, float]]) -> tuple[list[float], list[float]]:
    """A kept change makes the time drop at once: draw stairs, not slopes between kept changes."""
    xs: list[float] = []
    ys: list[float] = []
    for k, (x, y) in enumerate(points):
        if k:
            xs.append(x / 60)
            ys.append(ys[-1])
        xs.append(x / 60)
        ys.append(y)
    return xs, ys


class TrendPlot(PlotextPlot):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.shown: Series | None = None

    def show(self, series: Series) -> None:
        if series == self.shown:
            return  # redraw only when a kept change moved it
        self.shown = series
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        if not any(len(points) > 1 for points in series.values()):
            plt.title("nothing kept yet")
        for name, points in series.items():
            xs, ys = steps(points)
            plt.plot(xs, ys, label=name, marker="braille")
        plt.xlabel("minutes")
        plt.ylabel("% saved")
        self.refresh()
