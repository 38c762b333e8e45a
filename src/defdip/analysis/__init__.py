"""defdip.analysis."""
