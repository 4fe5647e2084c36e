"""Audit log (操作日志): who did what, when, with the state before and after, personal data masked."""
