"""HTTP entry points of the reports service: the JSON/CSV reports API and the dashboard page."""
