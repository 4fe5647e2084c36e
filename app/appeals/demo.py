"""Demo identity appeal (`flask demo seed`): the last demo member's account holds a phone it never proved, and
the phone's real owner has appealed (the SMS code read from the outbox). Seeded only with the outbox backend,
so a demo never texts a real number."""
import re
from datetime import timedelta


def seed_appeal(ctx):
    from ..extensions import db
    from ..members.identity import compose_id_number
    from ..sms import service as sms
    from ..sms.backends import backend
    from . import service

    if backend().name != "outbox":
        return
    squatter, now = ctx["members"][-1], ctx["now"] - timedelta(hours=2)
    squatter.phone_verified_at = None  # an account from before phones were proven
    db.session.flush()
    sms.send_code(squatter.phone, "appeal", now=now)
    code = re.search(r"\d{6}", sms.outbox(limit=1)[0].text)[0]
    ctx["appeal"] = service.file_appeal(phone=squatter.phone, sms_code=code, real_name="陈晓梅",
                                        id_number=compose_id_number("440106", squatter.birth_date, 901), now=now,
                                        note="我的手机号被他人注册，无法注册会员。")
