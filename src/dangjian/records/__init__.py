"""Building blocks shared by the domain's records (a plain package: it imports no domain app)."""
