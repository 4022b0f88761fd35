"""The shared form parts: QuickSelect writes exactly the <select> Django's own widget writes."""

from __future__ import annotations

from django import forms
from django.test import SimpleTestCase

from raksa.core.forms import QuickSelect

CHOICES = [
    ("", "— ไม่ระบุ —"),
    ("10", "กรุงเทพมหานคร"),
    ("50", 'เชียงใหม่ <"&">'),
    ("Region", [("11", "สมุทรปราการ"), ("12", "นนทบุรี")]),
]


class QuickSelectTests(SimpleTestCase):
    def assert_same(self, value, attrs=None, choices=CHOICES):
        django = forms.Select(attrs=attrs, choices=choices).render("province", value, {"id": "id_province"})
        quick = QuickSelect(attrs=attrs, choices=choices).render("province", value, {"id": "id_province"})
        self.assertHTMLEqual(quick, django)
        return quick

    def test_it_writes_the_same_select_with_nothing_chosen(self):
        self.assert_same(None)

    def test_it_marks_the_chosen_option_even_inside_a_group(self):
        self.assertIn('<option value="10" selected>', self.assert_same("10"))
        self.assertIn('<option value="12" selected>', self.assert_same("12"))

    def test_it_escapes_labels_and_values(self):
        html = self.assert_same('50"><script>', choices=[('50"><script>', "<b>x</b>")])
        self.assertNotIn("<script>", html)
        self.assertNotIn("<b>", html)

    def test_it_keeps_the_widget_attributes(self):
        html = self.assert_same(
            "", attrs={"hx-get": "/report/districts/", "required": True, "disabled": False}
        )
        self.assertIn('hx-get="/report/districts/"', html)
        self.assertNotIn("disabled", html)

    def test_a_form_field_renders_through_it(self):
        class Form(forms.Form):
            province = forms.ChoiceField(choices=CHOICES, widget=QuickSelect)

        bound = Form(data={"province": "50"})
        self.assertIn('<option value="50" selected>', str(bound["province"]))
        self.assertIn('name="province"', str(bound["province"]))
