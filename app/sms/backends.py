"""SMS backends behind one small interface: `send_code(phone, code, minutes)`.

`SMS_BACKEND` chooses one:

- `outbox` (default; the demo and the tests): delivers nothing and keeps each message in the
  `sms_outbox` table, which an admin reads at `GET /api/v1/admin/sms-outbox`.
- `tencent`: Tencent Cloud SMS (腾讯云短信, API 2021-01-11). Needs the SDK, installed on the production host
  only (`pip install tencentcloud-sdk-python-sms`), imported when the first message is sent, and these
  environment variables:
    TENCENTCLOUD_SECRET_ID, TENCENTCLOUD_SECRET_KEY  an API key allowed to call sms:SendSms
    SMS_TENCENT_APP_ID       the SMS application's SdkAppId (1400…)
    SMS_TENCENT_SIGN_NAME    the approved signature (签名), e.g. 品牌会员
    SMS_TENCENT_TEMPLATE_ID  an approved template with two parameters: {1} the code, {2} minutes valid
    SMS_TENCENT_REGION       optional, default ap-guangzhou
"""
import os

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..db import transaction
from ..errors import ApiError
from ..extensions import db
from .models import SmsOutboxMessage

# The text the outbox keeps: what the approved gateway template says, so the demo shows the real message.
CODE_TEXT = "【品牌会员】您的验证码是 {code}，{minutes} 分钟内有效。如非本人操作，请忽略本短信。"


class SmsUnavailable(ApiError):
    status, code, message = 503, "SMS_UNAVAILABLE", _l("The text message could not be sent; try again later.")


class OutboxBackend:
    name = "outbox"

    def send_code(self, phone, code, minutes):
        with transaction():
            db.session.add(SmsOutboxMessage(phone=phone, text=CODE_TEXT.format(code=code, minutes=minutes)))


class TencentBackend:
    name = "tencent"
    SETTINGS = ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY", "SMS_TENCENT_APP_ID",
                "SMS_TENCENT_SIGN_NAME", "SMS_TENCENT_TEMPLATE_ID")

    def __init__(self, environ=os.environ):
        missing = [name for name in self.SETTINGS if not environ.get(name)]
        if missing:
            raise RuntimeError(f"SMS_BACKEND=tencent needs {', '.join(missing)} in the environment")
        self.settings = {name: environ[name] for name in self.SETTINGS}
        self.region = environ.get("SMS_TENCENT_REGION") or "ap-guangzhou"

    def send_code(self, phone, code, minutes):
        from tencentcloud.common import credential
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
        from tencentcloud.sms.v20210111 import models, sms_client

        s = self.settings
        client = sms_client.SmsClient(credential.Credential(s["TENCENTCLOUD_SECRET_ID"],
                                                            s["TENCENTCLOUD_SECRET_KEY"]), self.region)
        request = models.SendSmsRequest()
        request.SmsSdkAppId, request.SignName = s["SMS_TENCENT_APP_ID"], s["SMS_TENCENT_SIGN_NAME"]
        request.TemplateId, request.TemplateParamSet = s["SMS_TENCENT_TEMPLATE_ID"], [code, str(minutes)]
        request.PhoneNumberSet = [f"+86{phone}"]
        try:
            statuses = client.SendSms(request).SendStatusSet
        except TencentCloudSDKException as error:
            current_app.logger.error("Tencent SMS failed: %s", error.get_code())
            raise SmsUnavailable() from None
        if not statuses or statuses[0].Code != "Ok":
            current_app.logger.error("Tencent SMS refused: %s", statuses[0].Code if statuses else "no status")
            raise SmsUnavailable()


BACKENDS = {"outbox": OutboxBackend, "tencent": TencentBackend}


def init_app(app):
    name = app.config["SMS_BACKEND"]
    if name not in BACKENDS:
        raise RuntimeError(f"SMS_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}")
    app.extensions["sms_backend"] = BACKENDS[name]()


def backend():
    return current_app.extensions["sms_backend"]
