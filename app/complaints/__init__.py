"""Quality complaints and suggestions (质量投诉/建议), answered by admins, rewarded through the ledger."""
