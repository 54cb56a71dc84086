"""Walk what a Dash page holds, for tests that look for one component or read its words: a
layout drawn in Python (component objects) or a callback's answer as the browser gets it (JSON)."""
from __future__ import annotations


def components(node):
    """Every component of a drawn layout, the node itself first, then its children in order."""
    yield node
    children = getattr(node, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children] if children is not None else []:
        yield from components(child)


def text(node) -> str:
    """The words of a drawn layout, in order."""
    return " ".join(str(c) for c in components(node) if isinstance(c, str))


def answer_components(tree):
    """Every component of a callback answer's JSON, as {type, namespace, props}."""
    if isinstance(tree, dict):
        if isinstance(tree.get("props"), dict):
            yield tree
        for value in tree.values():
            yield from answer_components(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from answer_components(value)
