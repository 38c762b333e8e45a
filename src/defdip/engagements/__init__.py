"""defdip.engagements."""
