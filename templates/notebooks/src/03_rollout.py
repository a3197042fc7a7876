# %% [markdown]
# # 03 Rollout (days 61-90)
#
# **What this step is for.** Go live in stages, each with entry and exit criteria, with
# monitoring from day one and a way back: alert rules and thresholds, the drift reference frozen,
# the kill switch and its fallback, the incident playbook and the go-live checklist.
#
# **What good looks like.** The pilot shows the effect against its control, analysed as it was
# designed (with a confidence interval at the level the arms were formed, and, where assignment
# was random, a sample-ratio check against the declared allocation), the guardrails did not
# degrade, the pilot was decided by its decide-by date, the active stage's exit criteria are met,
# every guardrail has an alert, and the kill switch has conditions, an owner, a fallback and a
# test. Then the go / no-go, with its reasons.

# %% tags=["parameters"]
workspace: str = ""  # the workspace folder; empty: the folder above this notebook with aipo.yaml
as_of: str = ""  # the assessment date, YYYY-MM-DD; empty: today
strict: bool = False  # warnings count as failures (aipo run --strict sets this)
n_boot: int = 1000  # bootstrap resamples for the confidence intervals

# %%
from aipo_widgets.notebook.rollout import Rollout

phase = Rollout.open(workspace, as_of=as_of, strict=strict)
print(phase.headline)

# %% [markdown]
# ## 1. The pilot against its control
#
# Each pilot is analysed as its stage declares (`rollout.stages[].pilot.design`): individually
# randomised (Welch and delta-method intervals, CUPED where the pilot has a pre-period covariate),
# cluster-randomised or switchback (cluster-robust intervals over the clusters or periods), or
# before/after with a control (difference in differences, clustered by group). The sample-ratio
# check runs only where assignment was random, against the declared allocation. With one cluster
# per arm no inference is possible: the estimate is shown without an interval and its gates warn.
# A pilot without a declared design is analysed as individually randomised 50/50, and says so.
# Every pilot stage needs a decide-by date; an undecided pilot past it warns.

# %%
phase.pilot(n_boot=n_boot)

# %% [markdown]
# How large the pilot had to be for its design: units (and clusters or periods) per arm to detect
# the effect target, with the design effect of clustering (from the ICC) or of a before/after
# comparison, against what the pilot has. Plan the next pilot with it.

# %%
phase.pilot_plan()

# %% [markdown]
# ## 2. The stages: entry and exit criteria
#
# The active stage's exit criteria and the next stage's entry criteria, on the latest evidence:
# the production log where the stage already runs in production, else the pilot, else the current
# values in `aipo.yaml`; effect metrics come from the pilot analysis above.

# %%
phase.stages()

# %% [markdown]
# ## 3. Monitoring from day one: alerts, the drift reference, the kill switch
#
# The drift reference is frozen from the reference data now, so that production windows are
# compared with what the model was validated on (`04_operate` uses it).

# %%
phase.monitoring()

# %% [markdown]
# ## 4. The documents: playbooks and the technical documentation
#
# The incident playbook, the kill-switch and fallback plan, the rollout plan, the go-live checklist
# (and, where they apply, the AI Act technical documentation, the FRIA and the DPIA) fill
# themselves from `aipo.yaml` and the last run; `aipo docs` writes them. Here: are they complete
# enough to go live (`settings.documentation_completeness_min`)?

# %%
phase.documents()

# %% [markdown]
# ## 5. Go / no-go
#
# Every gate of this phase, with the reasons for the verdict.

# %%
phase.go_no_go()

# %%
phase.record()
