"""defdip.measures."""
