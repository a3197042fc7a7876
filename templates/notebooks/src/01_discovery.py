# %% [markdown]
# # 01 Discovery (days 1-30)
#
# **What this step is for.** Before any model: what problem, for whom, and how will we know it
# worked? This notebook checks the value hypotheses, measures the baseline in the data ("without a
# baseline there is no benefit to show"), maps the data and its legal basis, classifies the use
# under the EU AI Act and GDPR, and starts the risk register, the business case and the backlog.
#
# **What good looks like.** Every hypothesis names a metric, a baseline and a target; the baseline
# is measured, with an interval; every personal-data source has a lawful basis; no prohibited
# practice; the DPIA decision is recorded; the data-quality checks pass. The gates at the end say
# where the product stands; `aipo run` fails the build when one fails.
#
# Edit `aipo.yaml` (or the widgets below) and re-run the notebook.

# %% tags=["parameters"]
workspace: str = ""  # the workspace folder; empty: the folder above this notebook with aipo.yaml
as_of: str = ""  # the assessment date, YYYY-MM-DD; empty: today
strict: bool = False  # warnings count as failures (aipo run --strict sets this)
n_boot: int = 1000  # bootstrap resamples for the confidence intervals
pii_sample: int = 2000  # rows per source scanned for personal data (0: all)

# %%
from aipo_widgets.notebook.discovery import Discovery

phase = Discovery.open(workspace, as_of=as_of, strict=strict)
print(phase.headline)

# %% [markdown]
# ## 1. Value hypotheses
#
# Each hypothesis is a falsifiable statement with the metric that tests it.

# %%
phase.hypotheses()

# %% [markdown]
# ## 2. Baseline, measured in the data
#
# Every metric of the tree with a `measure` is measured in the baseline sources, with a bootstrap
# interval, and compared with the baseline written in `aipo.yaml`.

# %%
phase.baseline(n_boot=n_boot)

# %% [markdown]
# ## 3. The metric tree
#
# From the business outcome at the root down to the model metrics, with guardrails beside the
# levers. In JupyterLab the tree is editable (baseline, target, current; what-if); elsewhere it is
# a picture.

# %%
phase.metric_tree()

# %% [markdown]
# ## 4. The data map: sources, data rights, personal data, legal basis, quality
#
# Every source says under what licence or terms it may be used, where it comes from and who
# confirmed the right to use it for this product (`licence`, `origin`, `usage_rights`,
# `rights_confirmed_by`): unclear data rights warn, restricted or unknown rights fail. Every source
# is scanned for personal data (e-mail, phone numbers, IBANs, card numbers, IP addresses; names
# and addresses need an NER model, which the kit does not download: check free text for them by
# hand). A source where personal data is found must say so in the data map.

# %%
phase.data_map(pii_sample=pii_sample)

# %%
phase.personal_data()

# %%
phase.quality()

# %% [markdown]
# ## 5. EU AI Act and GDPR
#
# The questionnaire's answers live in `compliance` in `aipo.yaml`; unanswered or unsure answers
# take the stricter branch. The result is the tier, the articles it rests on, and the obligations
# with the date each applies from.

# %%
phase.compliance()

# %% [markdown]
# In JupyterLab, answer the questionnaire here: each answer opens its follow-up questions and
# shows the tier it leads to. **Save** writes the answers to `aipo.yaml`; re-run the notebook so
# that the gates read them.

# %%
phase.ai_act_questionnaire()

# %% [markdown]
# ## 6. Risk register and matrix
#
# Likelihood x impact, inherent and residual, with expected losses where the register has numeric
# anchors, so that a coarse matrix cannot hide a large risk behind a small one.

# %%
phase.risks()

# %% [markdown]
# ## 7. Business case v0
#
# Monthly cash flows per scenario, NPV, payback and the chance the NPV is positive.

# %%
phase.business_case()

# %% [markdown]
# In JupyterLab, change the drivers of each scenario and watch NPV, payback and the chance of a
# positive NPV move. **Save** writes the drivers to `aipo.yaml`.

# %%
phase.scenario_widget()

# %% [markdown]
# ## 8. Backlog v0
#
# The mixed backlog (product, data, model, evaluation, risk work), scored by value, risk and
# feasibility; items serving a prohibited use are excluded, items blocked by an unmitigated
# critical risk are marked.

# %%
phase.backlog()

# %% [markdown]
# ## Gates
#
# The gates of this phase, handed to `aipo run` and the stakeholder pages.

# %%
phase.record()
