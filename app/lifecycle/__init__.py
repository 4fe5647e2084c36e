"""Member lifecycle: levels (会员等级), validity (有效期) and referral bonuses (推荐人).

`lifecycle.hooks` subscribes the reactions to credited scans (app/points/hooks.py); create_app imports it.
"""
