"""Redemption (积分兑换): points and stock out in one transaction; pickup, post, cancel, fulfil."""
