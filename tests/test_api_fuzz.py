"""schemathesis against the API's OpenAPI schema: no generated request gets a server error (issue 8 item 9).

Every operation of ``/api/openapi.json`` is fed requests that fit its schema (positive) and requests
that do not (negative: wrong types, missing fields, odd strings), from an administrator's token, on
whichever database the suite runs on (``make test`` runs both). The requests go through Django's
test client, inside the test's transaction. Time-boxed: a few examples per operation and mode,
15–40 s per database, as busy as the machine is.
"""

import copy
import json
import os
from collections import Counter
from urllib.parse import urlencode, urlsplit

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from dangjian.accounts.models import ApiToken
from dangjian.api import api
from dangjian.compliance.models import Finding
from dangjian.contacts.models import ContactLink
from dangjian.people.models import Post

OPENAPI = api.get_openapi_schema(path_prefix="/api/")
SCHEMA = schemathesis.openapi.from_dict(OPENAPI)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
SEEDED = "seeded"  # positive, with the codes and ids of the records the fixture made: the services are reached
# DANGJIAN_FUZZ=10 runs ten times as many (a deeper hunt by hand; the suite keeps the time box).
SCALE = int(os.environ.get("DANGJIAN_FUZZ", "1"))
EXAMPLES = {GenerationMode.POSITIVE: 20 * SCALE, GenerationMode.NEGATIVE: 15 * SCALE, SEEDED: 25 * SCALE}
STATUSES = Counter()


@pytest.fixture
def token(tree):
    """An administrator over a small tree whose codes hypothesis is likely to try ("0", "00" …)."""
    tree.org("0", kind="党委", name="甲旗委")
    tree.org("00", "0", name="甲嘎查党支部", tiers=[("后进", "2026-01-01")])
    tree.post("0", "0", "书记", start="2020-01-01")
    tree.link("0", "00", "联系点", start="2024-01-01")
    tree.visit("0", "00", "2026-01-02")
    tree.problem("0", "00", "环境卫生")
    user = get_user_model().objects.create(username="fuzz", is_superuser=True, is_staff=True)
    tree.finding = Finding.objects.create(organization=tree.orgs["00"], author=user, text="意见", status="replied")
    return ApiToken.issue(user, "schemathesis").raw


def seeded(label, tree):
    """The operation in a copy of the schema whose codes and ids are those of ``tree``'s records."""
    orgs, people = list(tree.orgs), list(tree.people)
    values = {"code": orgs + people + ["0"], "parent": orgs, "org": orgs, "within": orgs, "person": people,
              "post_id": list(Post.objects.values_list("pk", flat=True)),
              "link_id": list(ContactLink.objects.values_list("pk", flat=True)),
              "finding_id": [tree.finding.pk], "name": ["take_up", "complete", "reopen"]}
    schema = copy.deepcopy(OPENAPI)
    for operations in schema["paths"].values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["name"] in values:
                    parameter["schema"] = {"enum": values[parameter["name"]]}
    for component in ("OrgIn", "OrgPatch", "PostIn", "LinkIn", "ActivityIn", "FindingIn"):
        for name, field in schema["components"]["schemas"][component]["properties"].items():
            if name in ("parent", "org", "person"):
                field.clear()
                field["enum"] = values[name]
    loaded = schemathesis.openapi.from_dict(schema)
    return next(r.ok() for r in loaded.get_all_operations() if r.ok().label == label)


def send(client, case, token):
    """The case as Django's test client sends it: (response, a curl line to reproduce it)."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver", headers={"Authorization": f"Bearer {token}"})
    url = urlsplit(kwargs["url"])
    query = urlencode(kwargs.get("params") or {}, doseq=True)
    headers = {k: v for k, v in (kwargs.get("headers") or {}).items()
               if k.lower() not in ("content-type", "content-length", "host")}
    content_type = (kwargs.get("headers") or {}).get("Content-Type", "application/json")
    if "json" in kwargs:
        body = json.dumps(kwargs["json"])
    elif isinstance(kwargs.get("data"), (bytes, str)):
        body = kwargs["data"]
    elif kwargs.get("data"):
        body, content_type = urlencode(kwargs["data"], doseq=True), "application/x-www-form-urlencoded"
    else:
        body = ""
    response = client.generic(kwargs["method"], url.path, body, content_type=content_type, QUERY_STRING=query,
                              headers=headers)
    return response, case.as_curl_command(headers={"Authorization": "Bearer …"})


@pytest.mark.parametrize("mode", list(EXAMPLES), ids=str)
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_no_generated_request_is_a_server_error(operation, mode, token, tree):
    client = Client(raise_request_exception=False)
    strategy = (seeded(operation.label, tree).as_strategy() if mode == SEEDED
                else operation.as_strategy(generation_mode=mode))

    @settings(max_examples=EXAMPLES[mode], deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def check(case):
        response, curl = send(client, case, token)
        STATUSES[operation.label, response.status_code] += 1
        assert response.status_code < 500, f"{response.status_code} for\n{curl}\n{response.content[:500]!r}"

    check()
    if SCALE > 1:
        print(mode, sorted((k, v) for k, v in STATUSES.items() if k[0] == operation.label))


@pytest.mark.parametrize("query", ["limit=9223372036854775808", "offset=9223372036854775808", "limit=0",
                                   "offset=-1"])
def test_an_absurd_page_is_a_422_not_a_500(token, query):
    """What schemathesis found first: SQLite cannot hold a LIMIT past 2**63 (a 500 before)."""
    for path in ("/api/orgs", "/api/problems", "/api/links", "/api/activities", "/api/findings"):
        r = Client(raise_request_exception=False).get(f"{path}?{query}", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert r.status_code == 422, (path, r.status_code)
    r = Client().get("/api/orgs?limit=1000&offset=0", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200 and r.json()["count"] == 2


def test_an_over_long_finding_says_the_limit(token):
    """Found probing the API: the message read "督查意见不能超过 %(max)d 字"."""
    from dangjian.compliance.workflow import TEXT_MAX

    r = Client().post("/api/findings", json.dumps({"org": "00", "text": "意" * (TEXT_MAX + 1)}),
                      content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 422
    assert r.json()["detail"] == {"text": [f"督查意见不能超过 {TEXT_MAX} 字"]}
