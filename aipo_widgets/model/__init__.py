"""The workspace file: the ``aipo.yaml`` schema, reading and saving it, and its error messages.

The bottom layer of the kit (above :mod:`aipo_widgets.errors` only): every other layer reads a
workspace through it, and nothing in it imports the layers above.
"""
