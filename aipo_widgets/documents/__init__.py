"""The documents ``aipo docs`` writes: the playbooks filled from the workspace and the evidence.

The product owner's deliverables (AI Act technical documentation, model card, incident and
kill-switch playbooks, rollout plan, go-live checklist, FRIA and DPIA drafts, impact report,
decision log, discovery workshop) are Jinja2 Markdown templates in ``playbooks/``, filled from
``aipo.yaml`` and the workspace's last run.  **Gaps, never blanks:** what is missing prints as
a visible ``**[gap: field]**`` marker and is listed, with what to fill, at the end of each
document; the share of fields filled is the document's completeness.

- :mod:`~aipo_widgets.documents.specs`: the documents, and which apply to a workspace;
- :mod:`~aipo_widgets.documents.gaps`: gap markers and the record of the fields a template used;
- :mod:`~aipo_widgets.documents.run_evidence`: the last run's gates and figures, with citations;
- :mod:`~aipo_widgets.documents.clocks`: the legal reporting clocks of an incident;
- :mod:`~aipo_widgets.documents.environment`: the Jinja environment and its gap-aware filters;
- :mod:`~aipo_widgets.documents.render`: rendering (``render_documents``, ``render_folder``) and
  the documentation gate;
- :mod:`~aipo_widgets.documents.document_set`: what rendering returns, and its completeness;
- :mod:`~aipo_widgets.documents.output`: writing them as Markdown, HTML or PDF.
"""
