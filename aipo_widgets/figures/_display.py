"""One display bundle for each core object: what their ``_repr_mimebundle_`` returns.

The core modules stay free of rendering code: a core class calls :func:`display_bundle` from its
``_repr_mimebundle_`` (importing it there, so that importing the core never imports this), and
``display(register)`` in a notebook, an nbconvert report or GitHub shows the same picture as
the widget's static fallback.

Examples
--------
>>> from aipo_widgets.analysis.risk import Register
>>> reg = Register([{"id": "R1", "title": "t", "category": "model", "likelihood": 4,
...                  "impact": 4}])
>>> sorted(display_bundle(reg))
['text/html', 'text/plain']
"""

from __future__ import annotations

from typing import Any

from aipo_widgets.figures._svg import mimebundle

__all__ = ["display_bundle"]


def display_bundle(obj: Any) -> dict[str, str]:
    """Return ``{"text/html": <img of the SVG>, "text/plain": ...}`` for a core object.

    Parameters
    ----------
    obj : Register, Tree, BacklogResult, BusinessCaseResult or BusinessCase
        A risk register (:mod:`aipo_widgets.analysis.risk`), a metric tree
        (:mod:`aipo_widgets.analysis.metric_tree`), a scored backlog
        (:mod:`aipo_widgets.analysis.backlog`), an analysed business case or the business-case
        section (:mod:`aipo_widgets.analysis.business_case`).

    Raises
    ------
    TypeError
        For any other object.
    """
    from aipo_widgets import figures as render
    from aipo_widgets.analysis.backlog import BacklogResult
    from aipo_widgets.analysis.business_case import BusinessCaseResult
    from aipo_widgets.analysis.metric_tree import Tree
    from aipo_widgets.analysis.risk import Register
    from aipo_widgets.model import schema as spec

    if isinstance(obj, Register):
        data = render.risk_matrix_data(obj)
        return mimebundle(render.risk_matrix_svg(data), alt=render.risk_matrix_alt(data))
    if isinstance(obj, Tree):
        data = render.metric_tree_data(obj, sensitivity=False)
        return mimebundle(render.metric_tree_svg(data), alt=render.metric_tree_alt(data))
    if isinstance(obj, BacklogResult):
        data = render.backlog_data(obj)
        return mimebundle(render.backlog_svg(data), alt=render.backlog_alt(data))
    if isinstance(obj, (BusinessCaseResult, spec.BusinessCase)):
        data = render.business_case_data(obj, monte_carlo=False) if isinstance(
            obj, spec.BusinessCase) else render.business_case_data(obj)
        return mimebundle(render.business_case_svg(data), alt=render.business_case_alt(data))
    msg = (f"no picture for {type(obj).__name__}; expected a risk Register, a metric Tree, a "
           "BacklogResult or a business case")
    raise TypeError(msg)
