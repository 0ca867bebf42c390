"""Pickers: a person, an organization or a team picked by name or pinyin initials, inside the scope."""

from django import forms

from dangjian.orgs.models import Organization
from dangjian.people.models import Person, fill_initials
from dangjian.problems.models import VolunteerTeam
from dangjian.ui.pickers import OrganizationChoiceField, PersonChoiceField, bind_pickers
from tests.test_web_scope import client_for


def results(client, source, **params):
    r = client.get(f"/autocomplete/{source}/", {**params, "format": "json"})
    assert r.status_code == 200
    return r.json()["results"]


def test_out_of_scope_names_are_never_offered(world):
    c = client_for(world.users["a_admin"])
    names = {r["name"] for r in results(c, "orgs", q="旗委")}
    assert names == {"甲旗委"}
    assert not results(c, "orgs", q="乙")
    assert not results(c, "orgs", q="B1S")
    assert [r["value"] for r in results(c, "people", q="PB")] == []
    assert {r["value"] for r in results(c, "people", q="P")} == {"PA", "PA2", "PAS"}
    # The HTML the widget swaps in says the same.
    html = c.get("/autocomplete/orgs/", {"q": "乙"}).content.decode()
    assert "乙" not in html and "没有找到" in html


def test_pinyin_initials_code_prefix_and_context(world):
    Person.objects.filter(code="PA").update(name="张三")
    fill_initials(Person.objects.all())
    assert Person.objects.get(code="PA").name_initials == "zs"
    c = client_for(world.users["a_admin"])
    found = results(c, "people", q="zs")
    assert [r["value"] for r in found] == ["PA"]
    assert "甲旗委" in found[0]["context"] and "书记" in found[0]["context"]
    orgs = results(c, "orgs", q="jgc")  # 甲嘎查党支部
    assert [r["code"] for r in orgs] == ["A1S"]
    assert "甲镇党委" in orgs[0]["context"]
    # An organization's initials match anywhere (its name starts with its place).
    assert [r["code"] for r in results(c, "orgs", q="gcd")] == ["A1S"]
    assert [r["code"] for r in results(c, "orgs", q="A1", kind="branch")] == ["A1S", "A1T"]


def test_initials_are_kept_on_save(world):
    p = Person.objects.get(code="PA")
    p.name = "李四"
    p.save(update_fields=["name"])
    assert Person.objects.get(code="PA").name_initials == "ls"
    assert Organization.objects.get(code="A1S").name_initials == "jgcdzb"


def test_teams_inside_the_scope(world):
    VolunteerTeam.objects.create(name="甲服务队", organization=world.orgs["A1S"])
    VolunteerTeam.objects.create(name="乙服务队", organization=world.orgs["B1S"])
    names = {r["name"] for r in results(client_for(world.users["a_admin"]), "teams", q="服务队")}
    assert names == {"甲服务队"}


def test_a_limit_of_twenty(world):
    for i in range(25):
        world.org(f"A1X{i:02d}", "A1", name=f"测试支部{i:02d}")
    assert len(results(client_for(world.users["a_admin"]), "orgs", q="测试")) == 20


class Pick(forms.Form):
    person = PersonChoiceField(label="人员")
    organization = OrganizationChoiceField(label="组织", kind="branch")


def test_the_field_validates_inside_the_scope(world):
    form = bind_pickers(Pick({"person": "PB", "organization": "B1S"}), world.users["a_admin"])
    assert not form.is_valid()
    assert set(form.errors) == {"person", "organization"}
    form = bind_pickers(Pick({"person": "PA", "organization": "A1"}), world.users["a_admin"])
    assert not form.is_valid() and "organization" in form.errors  # not a branch
    form = bind_pickers(Pick({"person": "", "person_text": "人员PA", "organization": "A1S"}), world.users["a_admin"])
    assert form.is_valid(), form.errors  # without the script: the exact name typed
    assert form.cleaned_data["person"].code == "PA"


def test_the_widget_shows_the_name_and_submits_the_code(world):
    form = bind_pickers(Pick(initial={"organization": "A1S"}), world.users["a_admin"])
    html = str(form["organization"])
    assert 'value="甲嘎查党支部"' in html and 'type="hidden" name="organization" value="A1S"' in html
    assert 'role="combobox"' in html and "/autocomplete/orgs/?kind=branch" in html


def test_the_link_form_uses_the_pickers(world):
    page = client_for(world.users["a_admin"]).get("/links/new/?org=A1S").content.decode()
    assert 'data-url="/autocomplete/people/"' in page and 'value="甲嘎查党支部"' in page
