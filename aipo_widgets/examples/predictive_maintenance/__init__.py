"""The predictive-maintenance example: ``aipo.yaml`` and the data generator (:mod:`.data`)."""
