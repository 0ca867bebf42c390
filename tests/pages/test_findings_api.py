"""The findings API reads through visible_to and writes through the services, as the pages do."""

import json


def post(c, url, data):
    return c.post(url, json.dumps(data), content_type="application/json")


def test_the_findings_api_round_trip(world, as_user):
    sup, branch = as_user("a_inspector"), as_user("a_branch")
    r = post(sup, "/api/findings", {"org": "A1S", "text": "会议记录缺失", "person": "PAS"})
    assert r.status_code == 201, r.content
    fid = r.json()["id"]
    assert r.json()["status"] == "open" and r.json()["person"] == "PAS"
    assert post(branch, "/api/findings", {"org": "A1S", "text": "x"}).status_code == 403
    assert post(sup, f"/api/findings/{fid}/replies", {"text": "x"}).status_code == 403
    assert post(as_user("a_leader"), f"/api/findings/{fid}/replies", {"text": "x"}).status_code == 403
    r = post(branch, f"/api/findings/{fid}/replies", {"text": "已补记"})
    assert r.status_code == 201 and r.json()["status"] == "replied"
    assert [x["text"] for x in r.json()["replies"]] == ["已补记"]
    assert post(branch, f"/api/findings/{fid}/status", {"status": "closed"}).status_code == 403
    assert post(sup, f"/api/findings/{fid}/status", {"status": "open"}).status_code == 422  # a reason is needed
    r = post(sup, f"/api/findings/{fid}/status", {"status": "closed", "note": "已核实"})
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert post(sup, f"/api/findings/{fid}/status", {"status": "open", "reason": "x"}).status_code == 422
    r = branch.get(f"/api/findings/{fid}")
    assert r.status_code == 200 and r.json()["closed_at"]


def test_the_findings_api_lists_within_the_scope(world, as_user):
    sup = as_user("a_inspector")
    post(sup, "/api/findings", {"org": "A1S", "text": "支部的"})
    post(sup, "/api/findings", {"org": "A1", "text": "镇的"})
    fid = sup.get("/api/findings").json()["items"][0]["id"]
    assert [f["text"] for f in sup.get("/api/findings?org=A1").json()["items"]] == ["镇的", "支部的"]
    assert [f["text"] for f in as_user("a_branch").get("/api/findings").json()["items"]] == ["支部的"]
    assert sup.get("/api/findings?status=replied").json()["count"] == 0
    assert sup.get("/api/findings?author=a_inspector").json()["count"] == 2
    b = as_user("b_inspector")
    assert b.get("/api/findings").json()["count"] == 0
    assert b.get(f"/api/findings/{fid}").status_code == 404
    assert b.get("/api/findings?org=A").status_code == 404
    assert post(b, "/api/findings", {"org": "A1S", "text": "x"}).status_code == 404
    assert post(b, f"/api/findings/{fid}/replies", {"text": "x"}).status_code == 404
