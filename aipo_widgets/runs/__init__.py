"""The record of runs: each phase's results file and the ledger of runs over time."""
