"""Statistics (统计分析): member and points figures, and the market indicators (三维五率) of DOMAIN.md."""
