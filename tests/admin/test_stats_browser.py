"""The statistics pages in a real browser (Chromium, headless): tabs, tables and charts on a laptop and a tablet.
Fixtures and helpers are those of test_browser.py; screenshots go to test-artifacts/."""
import pytest
from playwright.sync_api import expect

from .test_browser import LAPTOP, TABLET, browser, live_server, page, shot, sign_in  # noqa: F401  (fixtures)
from .test_stats_pages import members_scenario

pytestmark = pytest.mark.browser


def test_statistics_pages_read_well_on_laptop_and_tablet(page, admin):  # noqa: F811  (the imported fixture)
    members_scenario()
    sign_in(page, admin)
    page.click("#sidenav >> text=统计报表")
    assert page.locator(".tabs a[aria-current=page]").inner_text() == "市场指标"
    page.click(".tabs >> text=会员统计")
    page.select_option("select[name=by]", "city")
    page.fill("input[name=from]", "2026-11-16")
    page.fill("input[name=to]", "2026-11-19")
    page.click(".filters button[type=submit]")
    # expect() waits for the answer to the submitted filters; count() would read whatever page is there now.
    expect(page.locator("[data-testid=table-by] tbody tr")).to_have_count(2)
    expect(page.locator("[data-testid=table-activity] tbody tr")).to_have_count(4)
    expect(page.locator("[data-testid=chart-by] rect")).to_have_count(2)
    shot(page, "stats-members-laptop")
    for viewport, name in ((TABLET, "tablet"), (LAPTOP, "laptop")):
        page.set_viewport_size(viewport)
        page.click(".tabs >> text=积分经济")
        expect(page.locator(".tabs a[aria-current=page]")).to_have_text("积分经济")  # the new page, not the old
        wide = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not wide, "the page scrolls sideways; only its tables may"
        shot(page, f"stats-points-{name}")
        page.click(".tabs >> text=会员统计")
        expect(page.locator(".tabs a[aria-current=page]")).to_have_text("会员统计")
