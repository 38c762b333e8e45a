"""defdip.panels."""
