# %% [markdown]
# # 04 Operate (after go-live, on a schedule)
#
# **What this step is for.** "Once live, always good" does not hold for AI: data drifts, models
# age, costs creep. This notebook measures the production log on the windows `aipo.yaml`
# declares, each ending at the assessment date `as_of`: drift against the frozen reference,
# performance where labels have arrived, cost and latency against the budgets, each alert rule
# and each kill-switch condition on its own window. It recommends a retrain or not from the
# model's data cut-off and the new labels, and reports the value realised against the business
# case. Every gate names its window and the rows its figure rests on; a figure that cannot be
# measured, or rests on too few rows, is a warning, never a pass.
#
# **What good looks like.** No kill-switch condition met, no critical alert, drift within its
# thresholds or a retrain planned, costs within budget, and value on the way to the business
# case.

# %% tags=["parameters"]
workspace: str = ""  # the workspace folder; empty: the folder above this notebook with aipo.yaml
as_of: str = ""  # the assessment date, YYYY-MM-DD; empty: settings.as_of, else today
strict: bool = False  # warnings count as failures (aipo run --strict sets this)
n_boot: int = 1000  # bootstrap resamples for the confidence intervals

# %%
from aipo_widgets.notebook.operate import Operate

phase = Operate.open(workspace, as_of=as_of, strict=strict)
print(phase.headline)

# %% [markdown]
# ## 1. Drift against the frozen reference
#
# The drift window (`monitoring.drift.window_days`, else `monitoring.window_days`). Per
# column: PSI (reference-quantile bins), Kolmogorov-Smirnov, Jensen-Shannon and the normalised
# Wasserstein distance for numbers; PSI and chi-square for categories. The data set has drifted
# when the share of drifted columns passes `monitoring.drift.drifted_share_alert`.

# %%
phase.drift()

# %% [markdown]
# ## 2. Performance where labels have arrived; cost and latency
#
# The default window (`monitoring.window_days`): its metrics; where at least
# `monitoring.min_rows` rows have their label, the model's performance on them; cost per use and
# latency against the budgets.

# %%
phase.latest_window(n_boot=n_boot)

# %% [markdown]
# ## 2b. Does production run the accepted versions?
#
# The model and prompt versions in the default window against `evaluation.accepted`: another
# version (a vendor's new model behind the same alias, a prompt hotfix) fails, naming the day
# it started; the evidence of the experiments holds only for the versions it was measured on.

# %%
phase.versions()

# %% [markdown]
# ## 3. Alert rules and the kill switch
#
# Each rule on its own `window`, each kill-switch condition on its `window` (default
# `monitoring.window_days`).

# %%
phase.alerts()

# %% [markdown]
# ## 4. Retrain?
#
# The model's data cut-off and training date (`monitoring.retrain`) against the interval at
# `as_of`, drift, and the new labels (or new positives) since the cut-off.

# %%
phase.retrain()

# %% [markdown]
# ## 5. Impact: realised value against the business case
#
# The metric tree's root as measured now, and the business case recomputed with what was
# measured, beside its scenarios: is the value materialising?

# %%
phase.impact()

# %% [markdown]
# ## Gates

# %%
phase.record()
