"""The platform's select template (lienthong/core/templates/django/forms/widgets/select.html)
writes the same HTML as Django's own, which renders each option through two more templates."""

from __future__ import annotations

from django import forms
from django.forms.renderers import DjangoTemplates, TemplatesSetting, get_default_renderer


class _Form(forms.Form):
    plain = forms.ChoiceField(
        choices=[("", "---------"), ("a", "Sở Tư pháp"), ("b", 'A "quoted" <b>')]
    )
    grouped = forms.ChoiceField(
        choices=[("Sở", [("1", "Sở Nội vụ"), ("2", "Sở Y tế")]), ("Huyện", [("3", "Đầm Dơi")])]
    )
    many = forms.MultipleChoiceField(choices=[(str(i), f"Đơn vị {i}") for i in range(30)])


def _render(renderer, **data):
    form = _Form(data or None, renderer=renderer)
    form.fields["plain"].widget.attrs.update({"class": "wide", "required": True, "disabled": False})
    return "".join(str(form[name]) for name in ("plain", "grouped", "many"))


def test_the_pages_render_selects_with_the_platforms_template():
    assert isinstance(get_default_renderer(), TemplatesSetting)
    template = get_default_renderer().get_template("django/forms/widgets/select.html")
    assert "lienthong/core/templates" in template.origin.name


def test_the_same_html_as_djangos_own_template():
    for data in ({}, {"plain": "b", "grouped": "2", "many": ["3", "17"]}):
        ours = _render(TemplatesSetting(), **data)
        django = _render(DjangoTemplates(), **data)
        assert ours == django
        assert ours.count("<option") == 3 + 3 + 30
    assert 'value="2" selected' in _render(TemplatesSetting(), grouped="2")
