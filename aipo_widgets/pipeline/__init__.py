"""The pipeline layer: running phase notebooks, recording their gates, reports and the ledger.

Imports point downward only: this layer uses the core and the views, never the reverse.
"""
