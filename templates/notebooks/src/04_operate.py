# %% [markdown]
# # 04 Operate (after go-live, on a schedule)
#
# **What this step is for.** "Once live, always good" does not hold for AI: data drifts, models
# age, costs creep. This notebook takes the latest production window and checks it against the
# frozen reference (drift), the labels that have arrived (performance), the budgets (cost per
# use), the alert rules and the kill-switch conditions; it recommends a retrain or not, and
# reports the value realised against the business case.
#
# **What good looks like.** No kill-switch condition met, no critical alert, drift within its
# thresholds or a retrain planned, costs within budget, and value on the way to the business
# case.

# %% tags=["parameters"]
workspace: str = ""  # the workspace folder; empty: the folder above this notebook with aipo.yaml
as_of: str = ""  # the assessment date, YYYY-MM-DD; empty: today
strict: bool = False  # warnings count as failures (aipo run --strict sets this)
n_boot: int = 1000  # bootstrap resamples for the confidence intervals
last_trained: str = ""  # date of the last training, YYYY-MM-DD; empty: unknown

# %%
from aipo_widgets.notebook.operate import Operate

phase = Operate.open(workspace, as_of=as_of, strict=strict)
print(phase.headline)

# %% [markdown]
# ## 1. Drift against the frozen reference
#
# Per column: PSI (reference-quantile bins), Kolmogorov-Smirnov, Jensen-Shannon and the
# normalised Wasserstein distance for numbers; PSI and chi-square for categories. The data set has
# drifted when the share of drifted columns passes `monitoring.drift.drifted_share_alert`.

# %%
phase.drift()

# %% [markdown]
# ## 2. Performance where labels have arrived; cost and latency
#
# The window's metrics; where at least 30 rows have their label, the model's performance on them.

# %%
phase.latest_window(n_boot=n_boot)

# %% [markdown]
# ## 3. Alert rules and the kill switch

# %%
phase.alerts()

# %% [markdown]
# ## 4. Retrain?

# %%
phase.retrain(last_trained=last_trained)

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
