"""The console in a real browser: Playwright driving the machine's Chromium (headless).

Chromium comes from the Debian package (`/usr/bin/chromium`; .ci/run installs it). Without it the tests
skip, except in CI (the CI variable set), where a missing browser is a failure. Screenshots go to
test-artifacts/.
"""
import io
import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from werkzeug.serving import make_server

from app.admin.nav import NAV
from app.extensions import db
from app.members.models import Member

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAPTOP = {"width": 1366, "height": 850}
TABLET = {"width": 768, "height": 1024}


def _require_chromium():
    if shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    if os.environ.get("CI"):
        pytest.fail(f"Chromium not found at {CHROMIUM}; CI must install it (.ci/run: apt-get install chromium)")
    pytest.skip(f"Chromium not found at {CHROMIUM} (install the Debian package `chromium`)")


@pytest.fixture(scope="module")
def browser():
    _require_chromium()
    from playwright.sync_api import sync_playwright  # imported here: skipping must not need it

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page(browser, live_server, request):
    # Reduced motion: the console then draws no transitions, so a position read right after a resize or a
    # click is the final one, not a frame of the slide-in.
    context = browser.new_context(base_url=live_server, viewport=LAPTOP, locale="zh-CN", accept_downloads=True,
                                  reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-end.png"), full_page=True)
    context.close()


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page, account):
    page.goto("/admin/login")
    page.fill("input[name=username]", account.user.username)
    page.fill("input[name=password]", account.password)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/admin/$"))


def test_sign_in_leads_to_the_dashboard(page, admin):
    page.goto("/admin/members")
    assert "/admin/login" in page.url
    shot(page, "signin-page")
    page.fill("input[name=username]", admin.user.username)
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit].primary")
    assert page.locator(".flash-error").inner_text() == "账号或密码错误。"
    page.fill("input[name=username]", admin.user.username)
    page.fill("input[name=password]", admin.password)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/admin/members$"))
    assert page.locator("[data-testid=who]").inner_text().endswith(f"({admin.user.username})")
    page.click("text=退出登录")
    page.wait_for_url(re.compile(r"/admin/login"))
    page.goto("/admin/")
    assert "/admin/login" in page.url


def test_dashboard_shows_figures_and_charts_on_laptop_and_tablet(page, admin, member):
    sign_in(page, admin)
    assert page.locator("[data-testid=tile-new_members] .tile-value").inner_text() == "1"
    assert page.locator("figure.chart svg").count() == 4
    shot(page, "dashboard-laptop")
    page.set_viewport_size(TABLET)
    assert not page.locator("#sidenav").is_visible() or page.locator("#sidenav").bounding_box()["x"] < 0
    page.click(".menu-toggle")
    expect(page.locator("#sidenav")).to_have_class(re.compile(r"\bopen\b"))
    assert page.locator("#sidenav").bounding_box()["x"] >= 0
    shot(page, "dashboard-tablet-menu")
    # Every entry of the navigation is a link to its page.
    assert page.locator("#sidenav a", has_text="礼品").count() == 1
    assert page.locator("#sidenav a").count() == len(NAV)


def test_a_form_without_its_csrf_token_is_rejected(page, admin, member):
    sign_in(page, admin)
    page.goto(f"/admin/members/{member.id}")
    page.fill("[data-testid=lock-form] textarea[name=reason]", "无令牌")
    page.evaluate("document.querySelector('[data-testid=lock-form] input[name=csrf_token]').remove()")
    page.click("[data-testid=lock-form] button[type=submit]")
    assert page.locator("h1").inner_text() == "表单已失效"
    shot(page, "csrf-rejected")
    db.session.rollback()  # end the test thread's read snapshot: the server committed in another thread
    assert db.session.get(Member, member.id).status == "active"


def test_locking_a_member(page, admin, member):
    sign_in(page, admin)
    page.click("#sidenav a[href='/admin/members']")
    page.fill("input[name=q]", member.member.phone[-8:])
    page.click("text=查询")
    page.click(f"[data-testid=list-members] a[href='/admin/members/{member.id}']")
    page.fill("[data-testid=lock-form] textarea[name=reason]", "扫码异常，待核查")
    page.click("[data-testid=lock-form] button[type=submit]")
    expect(page.locator("[data-testid=member-status]")).to_have_text("已锁定")  # waits for the answer
    assert "会员已锁定" in page.locator(".flash-success").inner_text()
    shot(page, "member-locked")
    db.session.rollback()  # end the test thread's read snapshot: the server committed in another thread
    assert db.session.get(Member, member.id).status == "locked"
    page.goto("/admin/audit")
    assert page.locator("[data-testid=list-audit]").get_by_text("member.lock").count() == 1


def test_exporting_the_member_list(page, admin, make_member):
    handles = [make_member() for _ in range(3)]
    sign_in(page, admin)
    page.goto("/admin/members")
    shot(page, "members-list")
    with page.expect_download() as download_info:
        page.click("[data-testid=export-xlsx]")
    data = Path(download_info.value.path()).read_bytes()
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "编号" and sorted(r[0] for r in rows[1:]) == [h.id for h in handles]
    with page.expect_download() as download_info:
        page.click("[data-testid=export-csv]")
    text = Path(download_info.value.path()).read_bytes().decode("utf-8-sig")
    assert handles[0].member.masked_phone in text and handles[0].member.phone not in text


def test_background_export_shows_progress_and_offers_the_file(page, admin, make_member):
    handles = [make_member() for _ in range(4)]
    sign_in(page, admin)
    page.goto("/admin/members")
    page.select_option(".export-bar select[name=format]", "xlsx")
    page.click("[data-testid=export-background]")
    page.wait_for_url(re.compile(r"/admin/tasks/\d+$"))
    page.wait_for_selector("[data-testid=task-status][data-status=done]")
    assert page.locator("[data-testid=task-status]").inner_text() == "已完成"
    assert page.locator(".progress-bar").evaluate("e => e.style.width") == "100%"
    shot(page, "background-export-done")
    with page.expect_download() as download_info:
        page.click("[data-testid=task-download]")
    data = Path(download_info.value.path()).read_bytes()
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + len(handles)


def test_generating_a_code_batch_shows_progress_to_100_and_offers_the_codes(page, admin):
    from tests import factories

    product = factories.create_product(sku="BR-GEN", name="浏览器规格")
    sign_in(page, admin)
    page.click("#sidenav a[href='/admin/code-batches']")
    page.click("[data-testid=generate-batch]")
    page.select_option("[data-testid=generate-form] select[name=product_id]", str(product.id))
    page.fill("[data-testid=generate-form] input[name=count]", "30000")
    page.fill("[data-testid=generate-form] input[name=note]", "浏览器测试")
    page.click("[data-testid=generate-form] button[type=submit]")
    page.wait_for_url(re.compile(r"/admin/tasks/\d+$"))
    page.wait_for_selector("[data-testid=task-status][data-status=done]")
    assert page.locator(".progress-bar").evaluate("e => e.style.width") == "100%"
    assert "30000 / 30000" in page.locator(".task-count").inner_text()
    shot(page, "code-batch-generated")
    with page.expect_download() as download_info:
        page.click("[data-testid=task-download]")
    lines = Path(download_info.value.path()).read_text().splitlines()
    assert lines[0] == "code" and len(lines) == 30001
    page.goto("/admin/code-batches")
    assert page.locator("[data-testid=list-code_batches] tbody tr").count() == 1
    assert "BR-GEN" in page.locator("[data-testid=list-code_batches]").inner_text()


def _png():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 140, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_creating_a_gift_with_a_picture(page, admin):
    from app.gifts.models import Gift

    sign_in(page, admin)
    page.goto("/admin/gifts")
    page.click("[data-testid=new-gift]")
    form = page.locator("[data-testid=gift-form]")
    form.locator("input[name=name]").fill("定制打火机")
    form.locator("input[name=category]").fill("烟具")
    form.locator("input[name=points_cost]").fill("300")
    form.locator("input[name=stock]").fill("4")
    form.locator("input[name=image]").set_input_files(
        {"name": "lighter.png", "mimeType": "image/png", "buffer": _png()})
    # The chosen picture shows before it is uploaded.
    expect(page.locator("[data-testid=image-preview]")).to_have_attribute("src", re.compile(r"^data:image/png"))
    shot(page, "gift-new-preview")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/gifts/\d+$"))
    expect(page.locator(".flash-success")).to_have_text("礼品已创建。")
    thumb = page.locator("[data-testid=gift-thumb]")
    expect(thumb).to_be_visible()
    assert thumb.evaluate("img => img.complete && img.naturalWidth") == 64  # served and decoded
    assert page.locator("[data-testid=gift-stock]").inner_text() == "4"
    assert "期初库存" in page.locator("[data-testid=stock-ledger]").inner_text()
    shot(page, "gift-created")
    db.session.rollback()  # end the test thread's read snapshot: the server committed in another thread
    gift = db.session.query(Gift).filter_by(name="定制打火机").one()
    assert gift.thumb_path and gift.image_path


def test_fulfilling_a_redemption_by_its_pickup_code(page, admin, member):
    from app.redemptions import service as redemptions
    from app.redemptions.models import Redemption
    from tests import factories

    gift = factories.create_gift(name="纪念打火机", points_cost=200, stock=5)
    factories.grant_points(member.id, 500)
    redemption, _balance = redemptions.redeem(member.id, gift.id, 1, {"method": "pickup"})
    sign_in(page, admin)
    page.goto("/admin/redemptions?status=pending")
    page.click(f"a[href='/admin/redemptions/{redemption.id}']")
    expect(page.locator("[data-testid=redemption-status]")).to_have_text("待处理")
    page.fill("[data-testid=fulfil-form] input[name=pickup_code]", redemption.pickup_code.lower())
    shot(page, "redemption-before-fulfil")
    page.click("[data-testid=fulfil-form] button[type=submit]")
    expect(page.locator(".flash-success")).to_have_text("已核销。")
    expect(page.locator("[data-testid=redemption-status]")).to_have_text("已核销")
    assert page.locator("[data-testid=fulfil-form]").count() == 0
    shot(page, "redemption-fulfilled")
    db.session.rollback()
    assert db.session.get(Redemption, redemption.id).status == "fulfilled"


def test_retailer_csv_import_shows_its_error_report_by_line(page, admin):
    sign_in(page, admin)
    page.click("#sidenav a[href='/admin/retailers']")
    page.click("a[href='/admin/retailers/import']")
    csv_text = "licence_no,name,region_code\nP1,好店,440106\nP2,,440106\nP3,坏区,999999\n"
    page.set_input_files("input[name=file]", files=[{"name": "list.csv", "mimeType": "text/csv",
                                                      "buffer": csv_text.encode("utf-8")}])
    page.check("input[name=mode][value=all_or_nothing]")
    page.click("[data-testid=import-form] button[type=submit]")
    report = page.locator("[data-testid=import-errors] tbody tr")
    expect(report).to_have_count(2)
    expect(report.nth(0).locator("td").first).to_have_text("3")
    expect(report.nth(1).locator("td").first).to_have_text("4")
    expect(page.locator(".flash-error").first).to_be_visible()
    shot(page, "retailer-import-errors")
    page.set_input_files("input[name=file]", files=[{"name": "list.csv", "mimeType": "text/csv",
                                                      "buffer": csv_text.encode("utf-8")}])
    page.check("input[name=mode][value=good_rows]")
    page.click("[data-testid=import-form] button[type=submit]")
    expect(page.locator("[data-testid=import-result]")).to_contain_text("1")
    page.goto("/admin/retailers")
    expect(page.locator("[data-testid=list-retailers]")).to_contain_text("好店")
