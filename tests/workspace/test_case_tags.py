import datetime as dt

from django.test import SimpleTestCase
from django.utils import translation

from raksa.workspace.templatetags.case_tags import be_year, when


class WhenFilterTests(SimpleTestCase):
    moment = dt.datetime(2026, 11, 24, 6, 25, tzinfo=dt.UTC)  # 13:25 in Bangkok

    def test_it_writes_thai_dates_with_the_buddhist_era_year_in_bangkok_time(self):
        with translation.override("th"):
            assert when(self.moment) == "24 พ.ย. 2569 13:25"
            assert when(self.moment, "date") == "24 พ.ย. 2569"
            assert when(dt.date(1990, 1, 5)) == "5 ม.ค. 2533"
            assert be_year(1990) == "2533"

    def test_it_keeps_gregorian_years_in_english(self):
        with translation.override("en"):
            assert when(self.moment) == "24 Nov 2026 13:25"
            assert be_year(1990) == "1990"

    def test_it_shows_nothing_for_no_date(self):
        assert when(None) == ""
