"""Helpers the widget tests share: the messages a browser sends, the pictures a widget shows."""

from __future__ import annotations

import base64
import copy
import re
import xml.etree.ElementTree as ET
from typing import Any

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def record(widget) -> list[dict]:
    """Record what the widget sends to the front end."""
    sent: list[dict] = []
    widget.comm.send = lambda data=None, buffers=None, **kw: sent.append(data)
    return sent


def update_msg(state: dict) -> dict:
    return {"content": {"data": {"method": "update", "state": state, "buffer_paths": []}},
            "buffers": []}


def custom_msg(content: dict) -> dict:
    return {"content": {"data": {"method": "custom", "content": content}}, "buffers": []}


def apply_patch(view: Any, ops: list) -> Any:
    """What the browser does with a patch (static/_common.js: applyPatch), in Python."""
    root = copy.deepcopy(view)
    for op in ops:
        path = op[0]
        if not path:
            root = op[1]
            continue
        node = root
        for k in path[:-1]:
            node = node[k]
        if len(op) == 1:
            del node[path[-1]]
        else:
            node[path[-1]] = op[1]
    return root


def svg_of(bundle: dict) -> ET.Element:
    """Decode the static picture of a mimebundle and parse it as XML."""
    html = bundle["text/html"]
    m = re.fullmatch(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)" .*/>',
                     html)
    assert m, html[:200]
    root = ET.fromstring(base64.b64decode(m.group(1)))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]
