"""Matplotlib backend for the Sandbox Jobs Python executor.

Renders with Agg; plt.show() displays every open figure as a rich result (PNG) in program order
and closes it. Figures left open at the end of a run are shown by the executor itself.
Selected with MPLBACKEND=module://sandbox_jobs_mpl_backend.
"""

from matplotlib._pylab_helpers import Gcf
from matplotlib.backend_bases import FigureManagerBase
from matplotlib.backends.backend_agg import FigureCanvasAgg

FigureCanvas = FigureCanvasAgg
FigureManager = FigureManagerBase


def show(*args, **kwargs):
    from IPython.display import display

    for manager in Gcf.get_all_fig_managers():
        display(manager.canvas.figure)
    Gcf.destroy_all()
