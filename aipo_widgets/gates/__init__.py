"""Everything a phase notebook decides: the gates of each phase and the product's verdict.

Gate functions take the workspace and the results of :mod:`aipo_widgets.analysis` and return
:class:`~aipo_widgets.evidence.Gate` records; they are tested without a kernel.
"""
