"""Fields of aipo.yaml that gates rely on: threshold costs, gold-set prevalence, data rights."""

from __future__ import annotations

from aipo_widgets.model.workspace import validate_text

HEAD = "product: {name: x, owner: y}\n"


def problems_of(text: str) -> list[str]:
    _, problems = validate_text(text, "aipo.yaml")
    return [str(p) for p in problems]


def test_threshold_costs_name_metrics_or_drivers_with_their_line() -> None:
    text = (HEAD + "metric_tree:\n  root: miss\n  nodes:\n"
            "    - {id: miss, name: Miss, current: 100}\n"
            "business_case:\n  drivers:\n"
            "    planned_repair: {conservative: 9, realistic: 8, optimistic: 7}\n"
            "settings:\n  threshold_costs:\n    c_fn: miss\n    c_fp: 0\n"
            "    c_tp: planned_repiar\n    prevented_share: 0.8\n")
    assert problems_of(text) == [
        "aipo.yaml:13:11: settings.threshold_costs.c_tp: names 'planned_repiar', which is "
        "neither a metric in metric_tree.nodes nor a business-case driver (did you mean "
        "'planned_repair'?)"]
    assert problems_of(text.replace("planned_repiar", "planned_repair")) == []


def test_prevented_share_is_a_share() -> None:
    text = HEAD + "settings:\n  threshold_costs: {c_fn: 10, c_fp: 1, prevented_share: 1.5}\n"
    found = problems_of(text)
    assert found == ["aipo.yaml:3:57: settings.threshold_costs.prevented_share: must be a "
                     "share between 0 and 1 (of the caught positives, how many are prevented: "
                     "0.8 for 80 %), or the id of a metric or driver holding it; got 1.5"]


def test_confirmed_data_rights_name_who_confirmed_them() -> None:
    text = (HEAD + "data_map:\n  sources:\n    - id: crawl\n      name: Web crawl\n"
            "      licence: unknown terms\n      usage_rights: confirmed\n")
    (found,) = problems_of(text)
    assert found.startswith("aipo.yaml:4:7: data_map.sources[0]: usage_rights: confirmed needs "
                            "rights_confirmed_by")
    assert problems_of(text + "      rights_confirmed_by: Legal, 2026-03-20\n") == []
    bad = text.replace("usage_rights: confirmed", "usage_rights: maybe")
    (found,) = problems_of(bad)
    assert "data_map.sources[0].usage_rights: must be one of" in found


def test_production_prevalence_is_a_share_with_its_line() -> None:
    text = (HEAD + "data_map:\n  sources:\n    - id: gold\n      name: Gold\n"
            "      role: gold\n      production_prevalence: 1.4\n      label_column: y\n"
            "      score_column: s\n")
    assert problems_of(text) == [
        "aipo.yaml:7:30: data_map.sources[0].production_prevalence: must be the share of "
        "positives in production, strictly between 0 and 1 (0.014 for 1.4 %), got 1.4"]
    assert problems_of(text.replace("1.4", "0.014")) == []


def test_production_prevalence_belongs_to_a_classifiers_gold_set() -> None:
    text = (HEAD + "data_map:\n  sources:\n    - id: reviews\n      name: Reviews\n"
            "      role: gold\n      label_column: review\n      production_prevalence: 0.1\n")
    (found,) = problems_of(text)
    assert found.startswith("aipo.yaml:4:7: data_map.sources[0]: production_prevalence "
                            "reweights a classifier's gold set")
