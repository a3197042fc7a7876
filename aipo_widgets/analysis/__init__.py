"""What the kit computes, from evaluation and drift to the business case and compliance.

Evaluation, fairness, thresholds, pilots, drift, personal data, the metric tree, formulas, the
business case, risks, the backlog, compliance and data sources. Pure Python on plain data
(pandas, numpy, scipy, scikit-learn): nothing here prints, plots or imports Jupyter. Results hand
their figures plain data; :mod:`aipo_widgets.figures` draws it.
"""
