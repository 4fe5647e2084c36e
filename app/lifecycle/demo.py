"""Demo data for the points mall and member lifecycle (`flask demo seed`): levels, gifts, points,
redemptions in every state, complaints. Runs inside seed_demo's transaction, through the services."""
import random
from datetime import timedelta
from decimal import Decimal


LEVELS = [("silver", "银卡会员", 500, "1.20"), ("gold", "金卡会员", 2000, "1.50"), ("diamond", "钻石会员", 5000, "2.00")]
GIFTS = [
    ("生活用品", "不锈钢保温杯 500ml", 300, 80, None, "304 不锈钢内胆, 12 小时保温"),
    ("生活用品", "便携折叠雨伞", 200, 120, None, "晴雨两用, 防紫外线"),
    ("生活用品", "纯棉毛巾礼盒(两条装)", 150, 200, 2, "A 类纯棉, 柔软吸水"),
    ("生活用品", "防风打火机", 80, 300, 3, "金属外壳, 可充气"),
    ("数码", "无线蓝牙耳机", 1800, 20, 1, "蓝牙 5.3, 续航 24 小时"),
    ("数码", "10000mAh 充电宝", 1200, 30, 1, "双向快充, 轻薄机身"),
    ("数码", "车载手机支架", 400, 60, None, "重力感应, 出风口安装"),
    ("茶叶", "西湖龙井 250g", 1500, 25, 1, "明前特级, 礼盒装"),
    ("茶叶", "安溪铁观音 200g", 900, 40, 2, "清香型, 真空小包装"),
    ("茶叶", "云南普洱熟茶饼 357g", 1100, 35, 1, "勐海古树料"),
    ("礼品卡", "超市购物卡 50 元", 600, 100, 2, "全国连锁超市通用"),
    ("礼品卡", "话费充值卡 30 元", 350, 150, 3, "三大运营商通用"),
]
COMPLAINTS = [
    ("complaint", "买的一包烟有几支断裂, 包装外观完好, 希望核实一下。"),
    ("complaint", "烟盒上的二维码刮开后模糊, 扫不出来。"),
    ("suggestion", "希望积分商城多上一些茶叶类礼品。"),
    ("suggestion", "建议兑换的礼品可以选择到附近零售店自提。"),
]


def seed_levels_and_welcome_bonus(ctx):
    """Levels, and a welcome bonus for each demo member at sign-up, before any scan."""
    from ..points.service import post_entry
    from . import levels

    for code, name, minimum, multiplier in LEVELS:
        levels.create_level(code=code, name=name, min_points=minimum, multiplier=Decimal(multiplier))
    for i, member in enumerate(ctx["members"]):
        earned = random.choice([120, 380, 650, 1200, 2400, 5600]) if i else 3000
        joined = member.created_at + timedelta(minutes=1)
        post_entry(member.id, earned, "campaign_bonus", note="开业活动奖励", now=joined)  # sets the level


def seed_mall(ctx):
    """Gifts; redemptions three days back in every state; complaints, one answered with a reward."""
    from ..complaints import service as complaints
    from ..gifts.service import create_gift
    from ..redemptions import service as redemptions

    admin_id, staff_id = ctx["admin"].id, ctx["staff"][0].id
    gifts = [create_gift(category=category, name=name, points_cost=cost, stock=stock, per_member_limit=limit,
                         description=description, staff_id=admin_id)
             for category, name, cost, stock, limit, description in GIFTS]

    now = ctx["now"]

    pickup, post = {"method": "pickup"}, {"method": "post", "name": None, "phone": None,
                                           "address": "广州市天河区体育西路 191 号"}
    made = []
    for member in ctx["members"][:10]:
        affordable = [g for g in gifts if g.points_cost <= member.points_balance]
        if not affordable:
            continue
        gift = random.choice(affordable)
        delivery = pickup if random.random() < 0.6 else dict(post, name=member.real_name, phone=member.phone)
        made.append(redemptions.redeem(member.id, gift.id, 1, delivery, now=now - timedelta(days=3))[0])
    for k, redemption in enumerate(made):
        if redemption.method == "pickup" and k % 3 == 0:
            redemptions.fulfil(redemption.pickup_code, staff_id=staff_id, now=now - timedelta(days=1))
        elif redemption.method == "post" and k % 2 == 0:
            redemptions.ship(redemption.id, f"SF{1400000000 + k * 7919}", now=now - timedelta(days=2))
        elif k % 4 == 1:
            redemptions.cancel(redemption.id, by="member", member_id=redemption.member_id,
                               now=now - timedelta(days=2))

    for k, (kind, content) in enumerate(COMPLAINTS):
        member_id = ctx["members"][k].id
        complaint = complaints.file_complaint(member_id, kind=kind, content=content, now=now - timedelta(days=5))
        if k == 0:
            complaints.close(complaint.id, "resolved", "已核实为运输破损, 已补发并赠送积分, 感谢反馈。",
                             reward_points=50, staff_id=admin_id, now=now - timedelta(days=1))
        elif k == 2:
            complaints.assign(complaint.id, staff_id)
