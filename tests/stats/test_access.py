"""Every statistics endpoint is for admins only."""
import pytest

PATHS = ["/admin/stats/indicators?week=2026-W47", "/admin/stats/indicators/period?period=2026-11",
         "/admin/stats/indicators/history?sku=A&from=2026-W40&to=2026-W47", "/admin/stats/alerts?week=2026-W47",
         "/admin/stats/members?by=city", "/admin/stats/members/activity", "/admin/stats/consumption?by=product",
         "/admin/stats/points", "/admin/stats/fraud"]


@pytest.mark.parametrize("path", PATHS)
def test_only_admins_read_statistics(api, admin, staff, member, path):
    assert api.get(path).status_code == 401
    assert api.get(path, token=member.token).status_code == 403
    assert api.get(path, token=staff.token).status_code == 403
    assert api.get(path, token=admin.token).status_code in (200, 422)  # 422: unknown sku A in the history
