"""defdip.reports."""
