# %% [markdown]
# # 03 Rollout (days 61-90)
#
# **What this step is for.** Go live in stages, each with entry and exit criteria, with
# monitoring from day one and a way back: alert rules and thresholds, the drift reference frozen,
# the kill switch and its fallback, the incident playbook and the go-live checklist.
#
# **What good looks like.** The pilot shows the effect against its control (with a confidence
# interval, and a sample-ratio check that the randomisation worked), the guardrails did not
# degrade, the active stage's exit criteria are met, every guardrail has an alert, and the kill
# switch has conditions, an owner, a fallback and a test. Then the go / no-go, with its reasons.

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
# For each hypothesis metric measured in the pilot: the effect of the treatment arm over the
# control arm, as a difference and a relative change with intervals (CUPED where the pilot has a
# pre-period covariate), the sample-ratio check, and the guardrails.

# %%
phase.pilot(n_boot=n_boot)

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
