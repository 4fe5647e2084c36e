"""Promotional items (促销品): items, stock per location, the movement ledger and monthly plans."""
