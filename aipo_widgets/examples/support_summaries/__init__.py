"""The support-summaries example: ``aipo.yaml`` and the data generator (:mod:`.data`)."""
