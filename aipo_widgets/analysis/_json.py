"""JSON-ready values for the analysis results' ``to_dict()``: numpy scalars and NaN made plain.

Shared by the evaluation, gold-set, fairness, threshold and pilot results, so that every
result writes a missing number the same way (``None``, never ``NaN``, which JSON lacks).

Examples
--------
>>> import numpy as np
>>> number(np.float64("nan")), number(np.int64(3)), number(2.5)
(None, 3, 2.5)
>>> plain({"n": np.int64(4), "ci": (0.1, float("inf")), "ok": np.bool_(True)})
{'n': 4, 'ci': [0.1, None], 'ok': True}
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["number", "plain"]


def number(x: Any) -> Any:
    """Return a JSON-ready number: ``None`` for NaN and infinities, Python types otherwise.

    Parameters
    ----------
    x : object
        A number (Python or numpy) or anything else, which is returned as it is.

    Returns
    -------
    int, float, None or object

    Examples
    --------
    >>> number(float("inf")) is None, number(np.float32(0.5))
    (True, 0.5)
    """
    if x is None:
        return None
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        return x if math.isfinite(x) else None
    return x


def plain(obj: Any) -> Any:
    """Return ``obj`` with numpy scalars, tuples and non-finite floats made JSON-ready.

    Mappings get string keys, tuples and arrays become lists, objects with a ``to_dict()``
    (other than pandas frames and series) are replaced by it.

    Parameters
    ----------
    obj : object
        A value of a result.

    Returns
    -------
    object
        The same value built from dicts, lists, str, int, float, bool and None.

    Examples
    --------
    >>> plain(np.array([1.0, np.nan]))
    [1.0, None]
    """
    if isinstance(obj, Mapping):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [plain(v) for v in obj.tolist()]
    if isinstance(obj, np.bool_):
        return bool(obj)
    if hasattr(obj, "to_dict") and not isinstance(obj, (pd.DataFrame, pd.Series)):
        return obj.to_dict()
    return number(obj)
