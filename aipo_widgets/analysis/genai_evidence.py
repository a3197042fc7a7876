"""The ``evaluation`` section of a workspace, measured: split, agreement, candidates, safety.

Each function reads what the section declares (data sources already read, files relative to the
workspace, the production window) and returns the analysis of :mod:`.agreement`,
:mod:`.holdout`, :mod:`.paired`, :mod:`.safety` or :mod:`.versions`, or ``None`` with the
problem that stopped it, in words (the gates say it).

Examples
--------
>>> import pandas as pd
>>> from aipo_widgets.model.schema import Workspace
>>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
...     "data_map": {"sources": [{"id": "gold", "name": "Gold", "role": "gold",
...                               "id_column": "id", "label_column": "label"}]},
...     "evaluation": {"split": {"source": "gold", "test_share": 0.5, "salt": "a"}}})
>>> gold = pd.DataFrame({"id": range(10), "label": ["correct"] * 10})
>>> split, problem = gold_split(".", ws, gold)
>>> sorted(split.value_counts().to_dict().items()), problem
([('dev', 5), ('test', 5)], '')
>>> len(held_out_rows(ws, gold, split))
5
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from aipo_widgets.analysis.agreement import (
    AgreementResult,
    adjudicate,
    against_reference,
    agreement,
)
from aipo_widgets.analysis.holdout import (
    HoldoutCheck,
    assign_split,
    split_from_frame,
    tuning_overlap,
)
from aipo_widgets.analysis.paired import Comparison, compare_candidates
from aipo_widgets.analysis.safety import (
    Rate,
    SuiteResults,
    filter_miss_rate,
    pii_leak_rate,
    suite_results,
)
from aipo_widgets.analysis.sources import Window, read_source
from aipo_widgets.analysis.versions import Unpinned, unpinned
from aipo_widgets.errors import DataError
from aipo_widgets.model.data_map import DataSource

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from aipo_widgets.analysis.monitored import Windows
    from aipo_widgets.model.schema import Workspace

__all__ = [
    "candidate_comparison",
    "double_review",
    "gold_split",
    "held_out_rows",
    "holdout",
    "judge_agreement",
    "production_versions",
    "read_file",
    "safety_evidence",
]


def read_file(folder: str | os.PathLike[str], path: str, what: str) -> pd.DataFrame:
    """Read a table the section names by path (CSV, Parquet, JSON) relative to the workspace.

    Raises
    ------
    DataError
        When it is missing or unreadable, naming the file and the field that names it.
    """
    return read_source(folder, DataSource(id=what.replace(".", "_"), name=what, location=path))


def _source(ws: Workspace, frames: Mapping[str, pd.DataFrame], sid: str
            ) -> tuple[DataSource | None, pd.DataFrame | None, str]:
    try:
        src = ws.source(sid)
    except KeyError:
        return None, None, f"no data source '{sid}' in data_map.sources"
    if sid not in frames:
        return src, None, f"data source '{sid}' was not read (its file is missing or unreadable)"
    return src, frames[sid], ""


def gold_split(folder: str | os.PathLike[str], ws: Workspace, gold: pd.DataFrame
               ) -> tuple[pd.Series | None, str]:
    """Each gold item's side (``dev`` or ``test``) by id, or None and the problem."""
    spec = ws.evaluation.split
    if spec is None:
        return None, "no evaluation.split"
    try:
        src = ws.source(spec.source)
    except KeyError:
        return None, f"evaluation.split.source: no data source '{spec.source}'"
    id_column = src.id_column
    if not id_column or id_column not in gold:
        return None, (f"the gold set needs its id_column (data_map.sources[{src.id}]) to be "
                      "split by id")
    if spec.file:
        try:
            split = split_from_frame(read_file(folder, spec.file, "evaluation.split.file"),
                                     id_column=id_column, where=spec.file)
        except DataError as exc:
            return None, str(exc.problems[0])
        unknown = sorted(set(gold[id_column]) - set(split.index), key=str)
        if unknown:
            return None, (f"{len(unknown):,} gold items are in neither part of {spec.file} "
                          f"(e.g. {unknown[0]}): add them, as dev or test")
        return split, ""
    assert spec.test_share is not None  # the schema wants one of file and test_share
    return assign_split(gold[id_column], test_share=spec.test_share, salt=spec.salt), ""


def held_out_rows(ws: Workspace, gold: pd.DataFrame, split: pd.Series | None) -> pd.DataFrame:
    """Return the gold set's held-out test rows (all rows without a split)."""
    if split is None or ws.evaluation.split is None:
        return gold
    id_column = ws.source(ws.evaluation.split.source).id_column
    test = set(split[split == "test"].index)
    return gold[gold[str(id_column)].isin(test)]


def double_review(folder: str | os.PathLike[str], ws: Workspace,
                  frames: Mapping[str, pd.DataFrame], *, n_boot: int = 1000
                  ) -> tuple[AgreementResult | None, pd.DataFrame | None, str]:
    """Agreement of the double reviews and the final labels (adjudicated), or the problem."""
    spec = ws.evaluation.double_review
    if spec is None:
        return None, None, "no evaluation.double_review"
    src, frame, problem = _source(ws, frames, spec.source)
    if frame is None or src is None:
        return None, None, problem
    item = spec.item_column or src.id_column or "item"
    label = spec.label_column or src.label_column or "label"
    labels = ws.evaluation.review_labels or None
    try:
        result = agreement(frame, item=item, reviewer=spec.reviewer_column, label=label,
                           labels=labels, statistic=spec.statistic, n_boot=n_boot)
        decisions = (read_file(folder, spec.adjudication, "evaluation.double_review."
                               "adjudication") if spec.adjudication else None)
        final = adjudicate(frame, item=item, reviewer=spec.reviewer_column, label=label,
                           decisions=decisions, decision_label="label")
    except DataError as exc:
        return None, None, f"data source '{spec.source}': {exc.problems[0]}"
    return result, final, ""


def judge_agreement(ws: Workspace, frames: Mapping[str, pd.DataFrame],
                    final: pd.DataFrame | None, *, gold: pd.DataFrame | None = None,
                    n_boot: int = 1000) -> tuple[AgreementResult | None, str]:
    """Cohen's kappa of the judge's labels with the people's final labels, or the problem.

    The people's label of an item is the gold set's (``gold``, its ``label_column``), replaced
    by the adjudicated final label where the item was reviewed twice; without a gold set, the
    final labels of the double reviews alone.
    """
    import pandas as pd

    spec = ws.evaluation.judge
    if spec is None:
        return None, "no evaluation.judge"
    src, frame, problem = _source(ws, frames, spec.source)
    if frame is None or src is None:
        return None, problem
    item = spec.item_column or src.id_column or "item"
    labels: dict[Any, Any] = {}
    gold_src = next((s for s in ws.data_map.sources if s.role == "gold"), None)
    if gold is not None and gold_src is not None and gold_src.id_column in gold \
            and gold_src.label_column in gold:
        labels.update(zip(gold[gold_src.id_column], gold[gold_src.label_column], strict=True))
    if final is not None:
        decided = final[final.final_label.notna()]
        labels.update(zip(decided.iloc[:, 0], decided.final_label, strict=True))
    if not labels:
        return None, "no human labels to compare with (a gold set or evaluation.double_review)"
    people = pd.DataFrame({item: list(labels), "final_label": list(labels.values())})
    try:
        return against_reference(people, frame, item=item, label="final_label",
                                 reference_label=spec.label_column,
                                 labels=ws.evaluation.review_labels or None,
                                 n_boot=n_boot), ""
    except DataError as exc:
        return None, f"data source '{spec.source}': {exc.problems[0]}"


def _accepted_name(ws: Workspace) -> str | None:
    c, a = ws.evaluation.candidates, ws.evaluation.accepted
    if c is not None and c.reference:
        return c.reference
    if a is not None and c is not None:
        return " / ".join(str(a.versions.get(col, "")) for col in c.columns)
    return None


def candidate_comparison(ws: Workspace, frames: Mapping[str, pd.DataFrame],
                         split: pd.Series | None, *, n_boot: int = 2000
                         ) -> tuple[Comparison | None, str]:
    """Each candidate against the reference on the acceptance calls' shared test items."""
    spec = ws.evaluation.candidates
    if spec is None:
        return None, "no evaluation.candidates"
    src, frame, problem = _source(ws, frames, spec.source)
    if frame is None or src is None:
        return None, problem
    calls = frame
    if spec.purpose_column in calls:
        accept = calls[spec.purpose_column].astype(str).str.lower().isin(
            ["accept", "acceptance", "test"])
        calls = calls[accept] if accept.any() else calls
    if split is not None and spec.item_column in calls:
        calls = calls[calls[spec.item_column].isin(set(split[split == "test"].index))]
    outcomes = {m: (spec.outcome_column, v) for m, v in spec.outcomes.items()} or {
        "correct_share": (spec.outcome_column, [ws.evaluation.review_labels[0]]
                          if ws.evaluation.review_labels else ["correct"])}
    try:
        return compare_candidates(calls, candidate=spec.columns, item=spec.item_column,
                                  outcomes=outcomes, reference=_accepted_name(ws),
                                  cost=src.cost_column, latency=src.latency_column,
                                  n_boot=n_boot, alpha=spec.alpha), ""
    except DataError as exc:
        return None, f"data source '{spec.source}': {exc.problems[0]}"


def holdout(ws: Workspace, frames: Mapping[str, pd.DataFrame], split: pd.Series | None
            ) -> tuple[HoldoutCheck | None, str]:
    """Check the accepted (or reference) candidate's acceptance run for tuned items."""
    spec = ws.evaluation.candidates
    if spec is None:
        return None, "evaluation.candidates is not declared: the experiment log's item and " \
                     "purpose columns say which items each iteration saw"
    if split is None:
        return None, "no split to check against"
    _, frame, problem = _source(ws, frames, spec.source)
    if frame is None:
        return None, problem
    accepted = _accepted_name(ws)
    if accepted is None:
        names = frame[spec.columns].astype(str).agg(" / ".join, axis=1) if all(
            c in frame for c in spec.columns) else None
        accepted = str(names.iloc[-1]) if names is not None and len(names) else ""
    try:
        return tuning_overlap(frame, item=spec.item_column, candidate=spec.columns,
                              purpose=spec.purpose_column, accepted=accepted,
                              test_ids=split[split == "test"].index), ""
    except DataError as exc:
        return None, str(exc.problems[0])


def safety_evidence(folder: str | os.PathLike[str], ws: Workspace,
                    frames: Mapping[str, pd.DataFrame]) -> dict[str, Any]:
    """Measure the suite's results, the PII leak rate and the filter's misses."""
    spec = ws.evaluation.safety
    out: dict[str, Any] = {"suite": None, "pii_leak": None, "filter_miss": None,
                           "problems": {}}
    if spec is None:
        return out
    if spec.suite and spec.results:
        try:
            suite: SuiteResults = suite_results(
                read_file(folder, spec.suite, "evaluation.safety.suite"),
                read_file(folder, spec.results, "evaluation.safety.results"))
            out["suite"] = suite
        except DataError as exc:
            out["problems"]["suite"] = str(exc.problems[0])
    if spec.outputs:
        _, frame, problem = _source(ws, frames, spec.outputs)
        if frame is None:
            out["problems"]["pii_leak"] = problem
        elif spec.output_column not in frame:
            out["problems"]["pii_leak"] = (f"data source '{spec.outputs}' has no column "
                                           f"'{spec.output_column}' (evaluation.safety."
                                           "output_column)")
        else:
            leak: Rate = pii_leak_rate(frame[spec.output_column])
            out["pii_leak"] = leak
            truth = spec.pii_truth_column
            if truth and truth in frame:
                labelled = frame[frame[truth].notna()]
                out["filter_miss"] = filter_miss_rate(labelled, text=spec.output_column,
                                                      truth=truth)["false_negative_rate"]
            elif truth:
                out["problems"]["filter_miss"] = f"no column '{truth}' in '{spec.outputs}'"
    return out


def production_versions(ws: Workspace, windows: Windows, source: DataSource | None, days: int
                        ) -> tuple[Unpinned | None, Window | None, str]:
    """Check the production window's versions against ``evaluation.accepted``."""
    accepted = ws.evaluation.accepted
    if accepted is None:
        return None, None, "no evaluation.accepted"
    if source is None or not source.time_column:
        return None, None, "a production log with a time_column"
    try:
        frame, window = windows.read(source, days)
    except DataError as exc:
        return None, None, str(exc.problems[0])
    gone = [c for c in accepted.versions if c not in frame]
    if gone:
        return None, window, (f"data_map.sources[{source.id}] has no column "
                              f"{', '.join(gone)}: log each call's versions")
    return unpinned(frame, time=source.time_column, pinned=accepted.versions), window, ""
