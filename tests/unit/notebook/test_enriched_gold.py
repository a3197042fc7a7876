"""An enriched gold set, declared, runs through the experiments phase reweighted (issue 13)."""

from __future__ import annotations

import pandas as pd
import pytest

from aipo_widgets.examples import write_example
from aipo_widgets.notebook.experiments import Experiments


@pytest.fixture(scope="module")
def phases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Experiments, Experiments]:
    out = []
    for enriched in (False, True):
        folder = tmp_path_factory.mktemp("pm") / "pm"
        write_example("predictive-maintenance", folder)
        if enriched:
            # every failure window and one other window in eight: 10 % positives, not 1.4 %
            path = folder / "data" / "gold_set.csv"
            gold = pd.read_csv(path)
            keep = (gold["failure_within_7d"] == 1) | (gold.index % 8 == 0)
            gold[keep].to_csv(path, index=False)
            yaml = folder / "aipo.yaml"
            text = yaml.read_text(encoding="utf-8")
            anchor = "      location: data/gold_set.csv\n"
            assert text.count(anchor) == 1
            prevalence = round(gold["failure_within_7d"].mean(), 4)
            yaml.write_text(text.replace(anchor, anchor + f"      production_prevalence: "
                                         f"{prevalence}\n"), encoding="utf-8")
        phase = Experiments.open(folder, as_of="2026-12-01")
        phase.gold_set()
        phase.evaluate(n_boot=100)
        phase.threshold()
        out.append(phase)
    return out[0], out[1]


def test_enriched_and_declared_gives_the_production_figures(phases) -> None:
    full, enriched = phases
    assert enriched.evaluation is not None and enriched.evaluation.prevalence is not None
    # precision at the production mix, not the enriched one
    assert enriched.figures["gold_precision"] == pytest.approx(full.figures["gold_precision"],
                                                               abs=0.03)
    assert enriched.figures["gold_precision_gold_mix"] > 2 * enriched.figures["gold_precision"]
    assert enriched.figures["gold_recall"] == pytest.approx(full.figures["gold_recall"])
    assert "gold_precision_gold_mix" not in full.figures
    # the cost-optimal threshold stays where production wants it
    assert enriched.figures["optimal_threshold"] == pytest.approx(
        full.figures["optimal_threshold"], abs=0.02)


def test_the_class_balance_explains_instead_of_asking_for_examples(phases) -> None:
    full, enriched = phases
    balance = {g.name: g for g in enriched.gates}["class balance"]
    assert balance.verdict == "pass" and "enriched on purpose" in balance.detail
    plain = {g.name: g for g in full.gates}["class balance"]
    assert plain.verdict == "pass" and "add examples" not in plain.detail
