"""What rendering returns: each :class:`Document` with its gaps, and the :class:`DocumentSet`.

**Completeness** of a document is the share of its fields (``workspace`` and ``manual`` kinds,
each distinct field once) that are filled.  Evidence from the run is counted separately
(``evidence`` cited / expected): a workspace whose first run has not finished yet is not less
complete.  :meth:`DocumentSet.gate` compares the share over all applicable documents with
``settings.documentation_completeness_min`` (the documentation gate of ``03_rollout``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from aipo_widgets.documents.gaps import Gap
from aipo_widgets.evidence import Gate, Verdict


@dataclass
class Document:
    """One rendered (or not applicable) document.

    Attributes
    ----------
    name, title : str
        From :data:`DOCUMENTS`.
    applies : bool
        Whether the workspace calls for it (``--only`` renders the others on request).
    reason : str
        Why it applies or not.
    markdown : str
        The document, header and closing gaps list included ("" when not rendered).
    filled : list of str
        The distinct fields (workspace and manual) that are filled.
    gaps : list of Gap
        Every gap, in the order met (run evidence included).
    evidence_cited : list of str
        The run evidence found and cited.
    template : str
        The template file used.
    """

    name: str
    title: str
    applies: bool
    reason: str
    markdown: str = ""
    filled: list[str] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    evidence_cited: list[str] = field(default_factory=list)
    template: str = ""

    @property
    def rendered(self) -> bool:
        """Whether the document was rendered."""
        return bool(self.markdown)

    @property
    def field_gaps(self) -> list[Gap]:
        """The gaps that count against completeness (workspace and manual)."""
        return [g for g in self.gaps if g.kind != "run"]

    @property
    def evidence_gaps(self) -> list[Gap]:
        """The run evidence the document expected and did not find."""
        return [g for g in self.gaps if g.kind == "run"]

    @property
    def total(self) -> int:
        """Number of distinct fields the document uses."""
        return len(self.filled) + len(self.field_gaps)

    @property
    def share(self) -> float:
        """Share of the fields that are filled (1.0 for a document without fields)."""
        return len(self.filled) / self.total if self.total else 1.0

    def to_dict(self) -> dict:
        """Return the document's figures as a JSON-ready dict (without the text)."""
        return {
            "name": self.name, "title": self.title, "applies": self.applies,
            "reason": self.reason, "rendered": self.rendered, "template": self.template,
            "filled": len(self.filled), "total": self.total, "share": self.share,
            "evidence_cited": len(self.evidence_cited),
            "evidence_expected": len(self.evidence_cited) + len(self.evidence_gaps),
            "gaps": [g.to_dict() for g in self.gaps],
        }


@dataclass
class DocumentSet:
    """The documents of one workspace, rendered together.

    Attributes
    ----------
    documents : list of Document
        Every document of :data:`DOCUMENTS`, rendered or not, in that order.
    product : str
        The product's name.
    as_of : date
        The documents' date.
    run_id : str or None
        The run the evidence comes from.
    commit : str or None
        The workspace's git commit, where there is one.
    threshold : float
        ``settings.documentation_completeness_min``.
    workspace_digest : str or None
        SHA-256 of the ``aipo.yaml`` the documents were rendered from (when rendered from a
        folder), so that a reader can tell whether the workspace changed since.
    """

    documents: list[Document]
    product: str
    as_of: dt.date
    run_id: str | None
    commit: str | None
    threshold: float
    workspace_digest: str | None = None

    def __getitem__(self, name: str) -> Document:
        for d in self.documents:
            if d.name == name:
                return d
        raise KeyError(name)

    @property
    def rendered(self) -> list[Document]:
        """The documents that were rendered."""
        return [d for d in self.documents if d.rendered]

    def completeness(self, documents: Iterable[Document] | None = None) -> tuple[int, int]:
        """Return (filled, total) distinct fields over the rendered documents (or those given).

        A field that several documents use counts once.
        """
        docs = list(self.rendered if documents is None else documents)
        filled = {f for d in docs for f in d.filled}
        missing = {g.field for d in docs for g in d.field_gaps} - filled
        return len(filled), len(filled) + len(missing)

    @property
    def share(self) -> float:
        """Share of distinct fields filled over the rendered documents."""
        filled, total = self.completeness()
        return filled / total if total else 1.0

    def table(self) -> list[dict]:
        """Return the completeness table: one row per rendered document, then the total."""
        rows = [{"document": d.name, "filled": len(d.filled), "total": d.total,
                 "share": d.share, "evidence": f"{len(d.evidence_cited)}/"
                 f"{len(d.evidence_cited) + len(d.evidence_gaps)}",
                 "applies": d.applies} for d in self.rendered]
        filled, total = self.completeness()
        cited = sum(len(d.evidence_cited) for d in self.rendered)
        expected = cited + sum(len(d.evidence_gaps) for d in self.rendered)
        rows.append({"document": "all (distinct fields)", "filled": filled, "total": total,
                     "share": filled / total if total else 1.0,
                     "evidence": f"{cited}/{expected}", "applies": True})
        return rows

    def gate(self) -> Gate:
        """Return the documentation-completeness gate over the applicable rendered documents.

        Fails below ``settings.documentation_completeness_min``; warns when the fields are
        complete enough but evidence from the run is missing.
        """
        docs = [d for d in self.rendered if d.applies]
        filled, total = self.completeness(docs)
        share = filled / total if total else 1.0
        worst = sorted(docs, key=lambda d: d.share)[:3]
        lowest = ", ".join(f"{d.name} {d.share:.0%}" for d in worst)
        missing_evidence = sum(len(d.evidence_gaps) for d in docs)
        threshold = f">= {self.threshold:g}"
        if share < self.threshold:
            gaps = sorted({g.field for d in docs for g in d.field_gaps})
            shown = ", ".join(gaps[:6]) + (", ..." if len(gaps) > 6 else "")
            return Gate("documentation complete", "fail", figure=round(share, 4),
                        threshold=threshold,
                        detail=f"{filled} of {total} fields filled (lowest: {lowest}); fill "
                        f"{shown} and run 'aipo docs'", source="settings."
                        "documentation_completeness_min",
                        extra={"filled": filled, "total": total,
                               "documents": [d.name for d in docs]})
        verdict: Verdict = "warn" if missing_evidence else "pass"
        detail = f"{filled} of {total} fields filled across {len(docs)} documents"
        if missing_evidence:
            detail += (f"; {missing_evidence} piece(s) of run evidence missing (run 'aipo run' "
                       "so the documents can cite it)")
        return Gate("documentation complete", verdict, figure=round(share, 4),
                    threshold=threshold, detail=detail,
                    source="settings.documentation_completeness_min",
                    extra={"filled": filled, "total": total,
                           "documents": [d.name for d in docs]})

    def to_dict(self) -> dict:
        """Return the set's figures as a JSON-ready dict (``docs.json``)."""
        filled, total = self.completeness()
        return {
            "product": self.product, "as_of": self.as_of.isoformat(), "run_id": self.run_id,
            "commit": self.commit, "workspace_digest": self.workspace_digest,
            "threshold": self.threshold, "filled": filled,
            "total": total, "share": self.share, "gate": self.gate().to_dict(),
            "documents": [d.to_dict() for d in self.documents],
        }
