"""Points mall catalogue (礼品管理): gifts, their stock ledger and images."""
