"""Request validation (oms-behaviour.md, "Validation codes"): createTask bodies and list
queries, sent through the SDK (dict bodies are serialised as they are, so wrong types reach
the sandbox)."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from huaweicloudsdkoms.v2 import CreateTaskRequest, ListTasksRequest

import oms_helpers as h


def _del(path: str) -> Callable[[dict], Any]:
    def change(body: dict) -> None:
        node = body
        *parents, last = path.split(".")
        for p in parents:
            node = node[p]
        del node[last]
    return change


def _set(path: str, value: Any) -> Callable[[dict], Any]:
    def change(body: dict) -> None:
        node = body
        *parents, last = path.split(".")
        for p in parents:
            node = node[p]
        node[last] = value
    return change


def _rules(n: int) -> list[dict]:
    return [h.bw(f"{2 * i:02d}:00", f"{2 * i:02d}:59") for i in range(n)]


def _url_list_from_aliyun(body: dict) -> None:
    body["task_type"] = "url_list"
    body["src_node"]["list_file"] = {"list_file_key": "urls/list.txt", "obs_bucket": h.DST_BUCKET}


def _list_without_list_file(body: dict) -> None:
    body["task_type"] = "list"


CASES = [
    # missing required parameters
    ("no-src-node", _del("src_node"), "OMS.1004"),
    ("no-dst-node", _del("dst_node"), "OMS.1004"),
    ("no-dst-bucket", _del("dst_node.bucket"), "OMS.1004"),
    ("no-dst-ak", _del("dst_node.ak"), "OMS.1004"),
    ("no-dst-region", _del("dst_node.region"), "OMS.1004"),
    ("no-src-bucket", _del("src_node.bucket"), {"OMS.1004", "OMS.0057"}),
    ("no-rule-start", _set("bandwidth_policy", [{"end": "01:00", "max_bandwidth": h.MIB}]), "OMS.1004"),
    # wrong types
    ("migrate_since-string", _set("migrate_since", "yesterday"), "OMS.1002"),
    ("enable_kms-string", _set("enable_kms", "yes"), "OMS.1002"),
    ("object_key-string", _set("src_node.object_key", "2024/"), "OMS.1002"),
    ("src_node-array", _set("src_node", []), "OMS.1002"),
    ("max_bandwidth-string", _set("bandwidth_policy", [h.bw(max_bandwidth="fast")]), "OMS.1002"),
    ("description-number", _set("description", 42), "OMS.1002"),
    # outside range / enum / length
    ("task_type-enum", _set("task_type", "folder"), "OMS.1003"),
    ("task_type-uppercase", _set("task_type", "PREFIX"), "OMS.1003"),
    ("priority-enum", _set("task_priority", "URGENT"), "OMS.1003"),
    ("overwrite-enum", _set("object_overwrite_mode", "SOMETIMES"), "OMS.1003"),
    ("consistency-enum", _set("consistency_check", "CRC64"), "OMS.1003"),
    ("storage-enum", _set("dst_storage_policy", "COLD"), "OMS.1003"),
    ("cloud_type-enum", _set("src_node.cloud_type", "Dropbox"), "OMS.1003"),
    ("description-256", _set("description", "d" * 256), "OMS.1003"),
    ("migrate_since-negative", _set("migrate_since", -1), "OMS.1003"),
    ("object_key-501", _set("src_node.object_key", [f"k{i}/" for i in range(501)]), "OMS.1003"),
    ("smn-trigger-enum", _set("smn_config", {"topic_urn": "urn:smn:x:y:z", "trigger_conditions": ["ALWAYS"]}),
     "OMS.1003"),
    # description characters
    ("description-lt", _set("description", "a<b"), "OMS.0078"),
    ("description-amp", _set("description", "this & that"), "OMS.0078"),
    ("description-quote", _set("description", 'say "hi"'), "OMS.0078"),
    ("description-caret", _set("description", "x^y"), "OMS.0078"),
    ("description-apostrophe", _set("description", "it's"), "OMS.0078"),
    ("description-paren", _set("description", "(draft)"), "OMS.0078"),
    # bandwidth rules
    ("six-rules", _set("bandwidth_policy", _rules(6)), "OMS.0083"),
    ("bandwidth-too-low", _set("bandwidth_policy", [h.bw(max_bandwidth=1_048_575)]), "OMS.0084"),
    ("bandwidth-too-high", _set("bandwidth_policy", [h.bw(max_bandwidth=209_715_201)]), "OMS.0084"),
    ("overlap", _set("bandwidth_policy", [h.bw("00:00", "12:00"), h.bw("11:00", "13:00")]), "OMS.0085"),
    ("overlap-identical", _set("bandwidth_policy", [h.bw("03:00", "04:00"), h.bw("03:00", "04:00")]), "OMS.0085"),
    ("hhmm-hour", _set("bandwidth_policy", [h.bw("24:30", "23:00")]), "OMS.0087"),
    ("hhmm-minute", _set("bandwidth_policy", [h.bw("10:75", "11:00")]), "OMS.0087"),
    ("hhmm-format", _set("bandwidth_policy", [h.bw("9 am", "11:00")]), "OMS.0087"),
    # source inconsistent with the task type
    ("url_list-from-aliyun", _url_list_from_aliyun, "OMS.0057"),
    ("list-without-list_file", _list_without_list_file, {"OMS.0057", "OMS.1004"}),
]


@pytest.mark.parametrize("change, code", [(c, code) for _, c, code in CASES], ids=[i for i, _, _ in CASES])
def test_create_task_validation(client, change, code):
    body = h.task_body()
    change(body)
    h.expect_error(lambda: client.create_task(CreateTaskRequest(body=body)), 400, code)


def test_create_task_body_not_json(client):
    h.expect_error(lambda: client.create_task(CreateTaskRequest(body="this is {not json")), 400, "OMS.0067",
                   "a body that is not JSON")


def test_create_task_five_rules_accepted(client):
    resp = client.create_task(CreateTaskRequest(body=h.task_body(bandwidth_policy=_rules(5), save_prefix="five/")))
    assert resp.status_code == 200, "five non-overlapping rules are the maximum, not beyond it"


def test_create_task_bandwidth_bounds_accepted(client):
    body = h.task_body(save_prefix="bounds/",
                       bandwidth_policy=[h.bw("00:00", "05:59", 1_048_576), h.bw("06:00", "23:59", 209_715_200)])
    assert client.create_task(CreateTaskRequest(body=body)).status_code == 200, "both bounds are inclusive"


def test_create_task_description_limit_accepted(client):
    body = h.task_body(save_prefix="desc255/", description="d" * 255)
    assert client.create_task(CreateTaskRequest(body=body)).status_code == 200, "255 characters are allowed"


@pytest.mark.parametrize("query", [dict(limit=0), dict(limit=101), dict(offset=-1), dict(status=0), dict(status=8)],
                         ids=["limit-0", "limit-101", "offset-negative", "status-0", "status-8"])
def test_list_tasks_bad_query(client, query):
    # oms-behaviour.md: limit 1..100, offset >= 0; the status query is documented as 1..7 (6 is
    # in that range though no task has it, so it is not tested here). The reference's §7.2 also
    # has OMS.0051 (range) and OMS.0052 (state) for these; either family is accepted.
    h.expect_error(lambda: client.list_tasks(ListTasksRequest(**query)), 400,
                   {"OMS.1003", "OMS.0051", "OMS.0052"}, f"listTasks {query}")


def test_list_tasks_limit_bounds_accepted(client):
    for limit in (1, 100):
        page = h.raw(client.list_tasks(ListTasksRequest(limit=limit)))
        assert len(page["tasks"] or []) <= limit


def test_list_tasks_non_numeric_limit(client, signer):
    resp = signer.call("GET", f"/v2/{h.PROJECT_ID}/tasks", query=[("limit", "ten")])
    h.expect_raw_error(resp, 400, {"OMS.1002", "OMS.1003", "OMS.0051"}, "limit=ten")
