"""The documents ``aipo docs`` writes: the playbooks filled from the workspace and the evidence."""
