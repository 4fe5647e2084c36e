"""Visits (拜访): plans made by admins, check-in at the store, observations, check-out."""
