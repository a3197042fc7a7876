# %% [markdown]
# # 02 Experiments (days 31-60)
#
# **What this step is for.** Prove the value offline before anyone depends on it: a curated gold
# set, precise acceptance criteria decided before the results, experiments within cost and
# latency budgets, and the courage to stop what does not deliver.
#
# **What good looks like.** The gold set is big enough, balanced enough, free of duplicates and
# of leakage into training data, and looks like production; the acceptance criteria pass with
# their confidence intervals; a classifier's threshold is chosen for the business cost, not for
# accuracy; no group is served much worse than the others; the chosen variant fits the cost and
# latency budgets. Then: continue, or stop.

# %% tags=["parameters"]
workspace: str = ""  # the workspace folder; empty: the folder above this notebook with aipo.yaml
as_of: str = ""  # the assessment date, YYYY-MM-DD; empty: today
strict: bool = False  # warnings count as failures (aipo run --strict sets this)
n_boot: int = 1000  # bootstrap resamples for the confidence intervals
fairness_max_difference: float = 0.1  # largest gap between groups before a warning

# %%
from aipo_widgets.notebook.experiments import Experiments

phase = Experiments.open(workspace, as_of=as_of, strict=strict)
print(phase.headline)

# %% [markdown]
# ## 1. The gold set
#
# Size, class balance, duplicates, missing labels, leakage into the training data, and whether it
# looks like production (the gold set as the reference, production as the current data). A gold
# set for a rare event may be enriched with positives on purpose: declare the production
# prevalence (`production_prevalence` on its data source) and precision, shares and the
# cost-optimal threshold are reweighted to production, beside their values on the gold mix.

# %%
phase.gold_set()

# %% [markdown]
# ## 2. Evaluation with confidence intervals
#
# Every metric with a bootstrap (or Wilson) interval: a point estimate alone does not say whether
# the gold set is big enough to trust it. With a development / test split (`evaluation.split`),
# on the held-out test items only.

# %%
phase.evaluate(n_boot=n_boot)

# %% [markdown]
# ## 2b. Do the reviewers agree?
#
# Labels (correct, minor error, hallucination) are evidence only when the people who give them
# agree beyond chance. On the items reviewed twice or more (`evaluation.double_review`):
# Krippendorff's alpha (any number of reviewers, missing reviews) or Cohen's kappa (two reviews
# per item) with a bootstrap interval over items, each reviewer's agreement with the others,
# and the confusion between reviewers (pairs of labels given to the same item; the diagonal is
# agreement). Agreement below the floor fails; disagreements wait for the adjudicator. An
# automated judge's imported labels (`evaluation.judge`) are held to the same standard.

# %%
phase.review_agreement(n_boot=n_boot)

# %% [markdown]
# ## 3. Acceptance criteria
#
# Decided before the experiments, in `acceptance_criteria` (none fails this phase). A criterion
# on a gold-set metric is checked against the evaluation (on the bound of its interval where the
# criterion says so); one on an operational metric (latency, cost) is checked on the variant
# under test in the experiment log.

# %%
phase.acceptance(n_boot=n_boot)

# %% [markdown]
# ## 4. The threshold, chosen for the business cost
#
# For a classifier: the threshold of least expected cost on the gold set, given what a missed case
# and a false alarm cost (`settings.threshold_costs`), beside Elkan's threshold for calibrated
# scores and the threshold decided in the decision log. Generated output has no threshold. Slide
# the threshold in the explorer; "use this threshold" records the decision in `aipo.yaml`.

# %%
phase.threshold()

# %% [markdown]
# ## 5. Fairness across groups
#
# Each group's metrics beside the others; groups too small to judge are flagged, not ranked.

# %%
phase.fairness(max_difference=fairness_max_difference, n_boot=n_boot)

# %% [markdown]
# ## 6. Cost and latency against the budgets
#
# Per variant of the experiment log; the gates are on the variant under test (the latest).

# %%
phase.budgets()

# %% [markdown]
# ## 6b. Candidates compared on the same held-out items
#
# Each prompt or model version against the reference (the accepted one) on the test items both
# ran on: the difference of each outcome with a paired bootstrap interval, McNemar's test
# (exact below 25 discordant items) with Holm's correction over every comparison made, and
# cost and latency per candidate against the budgets. The acceptance must rest on test items no
# iteration tuned on (the experiment log's `purpose` says which calls tuned). When the
# acceptance passes, `phase.pin_accepted()` records the versions in `evaluation.accepted`, and
# operation checks that production runs them.

# %%
phase.compare(n_boot=n_boot)

# %% [markdown]
# ## 6c. Safety evidence
#
# The prompt-injection and jailbreak suite's results against its expected behaviour (attacks
# followed, benign cases refused), personal data in the model's outputs found by the kit's
# scanner, and that scanner's own misses on outputs a person labelled: each a rate with its
# interval, against the limits in `evaluation.safety`.

# %%
phase.safety()

# %% [markdown]
# ## 7. Continue or stop, and what it does to the backlog and the business case

# %%
phase.decide()

# %% [markdown]
# In JupyterLab, put what the experiments measured into the drivers (the *Measured* column) and
# try other scenarios; NPV, payback and the simulation follow. **Save** writes them to
# `aipo.yaml`.

# %%
phase.scenario_widget()

# %% [markdown]
# ## Gates

# %%
phase.record()
