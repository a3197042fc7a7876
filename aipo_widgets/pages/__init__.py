"""The stakeholder pages: a product's status and a portfolio (Voila and ``aipo report``)."""
