"""Brand-cultivation activities (品牌培育活动): plan, process records and the effect check."""
