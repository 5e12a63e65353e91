#!/usr/bin/env python3
"""Generate AK/SK ("SDK-HMAC-SHA256") signing test vectors with the official
Huawei Cloud Python SDK (huaweicloudsdkcore / huaweicloudsdkoms, pinned in
scripts/requirements.txt).

Nothing here re-implements the signature: every vector is produced by the
SDK's own code path

    Credentials.sign_request(SdkRequest)          (auth/credentials.py)
      -> Signer(credentials).sign(request)        (signer/signer.py)

either on an SdkRequest assembled with the SDK client's own helpers
(Client._parse_path_params / Client._parse_query_params, the same calls
Client.build_future_request makes) -- "via": "signer" -- or by driving a real
OmsClient end to end (OMS API methods or Client.do_http_request) and
intercepting the finished request just before it would hit the network --
"via": "client".

Determinism: the signer reads the clock through the `datetime` name imported
in huaweicloudsdkcore.signer.signer; that name is replaced by a subclass whose
utcnow() returns the vector's fixed date.  Intermediate values
(canonical request, string to sign, signed headers) are recorded by wrapping
(not replacing) the Signer's own methods.

Usage:
    .venv/bin/python scripts/gen_signing_vectors.py            # (re)write fixture
    .venv/bin/python scripts/gen_signing_vectors.py --check    # fail if stale
"""

import argparse
import copy
import datetime as _dt
import hashlib
import hmac
import json
import logging
import os
import sys
from urllib.parse import unquote, urlsplit

import jsonschema
import requests

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkcore.sdk_request import SdkRequest
from huaweicloudsdkcore.signer import signer as signer_mod
from huaweicloudsdkcore.signer.signer import Signer
from huaweicloudsdkoms.v2 import (
    OmsClient, ListTasksRequest, ShowTaskRequest, StopTaskRequest, StartTaskRequest, StartTaskReq,
    DeleteTaskRequest, CreateTaskRequest, CreateTaskReq, SrcNodeReq, DstNodeReq,
)

try:
    from importlib.metadata import version as _pkg_version
except ImportError:  # pragma: no cover
    _pkg_version = None

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "Tests", "OMSClientTests", "Fixtures", "signing-vectors.json")

# Obviously fake credentials.
AK = "AKTESTEXAMPLE0000001"
SK = "sk-test-example-secret"
AK2 = "AKTESTEXAMPLETEMP002"
SK2 = "sk-test-temporary-secret-0002"
TOKEN = "test-security-token-AAAA.BBBB/CCCC+DDDD=="
PROJECT = "0123456789abcdef0123456789abcdef"
HOST = "oms.cn-north-4.myhuaweicloud.com"
HOST_AP = "oms.ap-southeast-1.myhuaweicloud.com"
FIXED_UA = "oms-plan-signing-vectors"

BASIC_DATE_FORMAT = "%Y%m%dT%H%M%SZ"


# --------------------------------------------------------------------------
# Deterministic clock for the SDK signer
# --------------------------------------------------------------------------
class _FixedClock(_dt.datetime):
    now_value = None

    @classmethod
    def utcnow(cls):
        return cls.now_value


def _set_clock(date_str):
    _FixedClock.now_value = _FixedClock.strptime(date_str, BASIC_DATE_FORMAT)


signer_mod.datetime = _FixedClock


# --------------------------------------------------------------------------
# Record the SDK's intermediate values (wrappers call the originals)
# --------------------------------------------------------------------------
_RECORD = {}


def _wrap(name, key):
    raw = Signer.__dict__[name]
    is_classmethod = isinstance(raw, classmethod)
    original = raw.__func__ if is_classmethod else raw

    def wrapper(self_or_cls, *args, **kwargs):
        result = original(self_or_cls, *args, **kwargs)
        _RECORD[key] = copy.copy(result)
        return result

    wrapper.__wrapped__ = original
    setattr(Signer, name, classmethod(wrapper) if is_classmethod else wrapper)


_wrap("_process_signed_headers", "signed_headers")
_wrap("_process_canonical_request", "canonical_request")
_wrap("_process_string_to_sign", "string_to_sign")


class _Intercepted(Exception):
    def __init__(self, request):
        super().__init__("intercepted")
        self.request = request


def _snapshot(request):
    body = request.body
    if isinstance(body, bytes):
        body = body.decode("utf-8")
    return {
        "method": request.method,
        "host": request.host,
        "resource_path": request.resource_path,
        "query": [[k, _query_value_str(v)] for k, v in (request.query_params or [])],
        "headers": {k: str(v) for k, v in request.header_params.items()},
        "body": body or "",
    }


def _query_value_str(v):
    # Mirrors how Signer._process_canonical_query_string stringifies values
    # (bool -> "true"/"false", everything else str()).
    if isinstance(v, bool):
        return str(v).lower()
    return str(v)


def _wire_header_value(v):
    # Signer._process_canonical_headers rewrites every header value as
    # value.strip().encode('utf-8').decode('iso-8859-1') so that `requests`
    # puts the raw UTF-8 bytes on the wire.  Report the real (UTF-8) text.
    try:
        return v.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return v


def _raw_path_from_resource_path(resource_path):
    return "/".join(unquote(seg) for seg in resource_path.split("/"))


def _instrument_credentials(creds, holder):
    """Snapshot the request as it enters Credentials.sign_request."""
    original = creds.sign_request

    def sign_request(request):
        holder["before"] = _snapshot(request)
        _RECORD.clear()
        return original(request)

    creds.sign_request = sign_request
    return creds


def _make_credentials(ak, sk, token, project_id):
    creds = BasicCredentials(ak, sk, project_id)
    if token is not None:
        creds.with_security_token(token)
    return creds


def _finish(name, via, date, ak, sk, token, project_id, before, signed, note=None):
    """Assemble one vector from the pre-sign snapshot and the signed SdkRequest."""
    uri = signed.uri
    if "?" in uri:
        encoded_path, encoded_query = uri.split("?", 1)
    else:
        encoded_path, encoded_query = uri, ""

    final_headers = {k: _wire_header_value(str(v)) for k, v in signed.header_params.items()}
    signed_headers = ";".join(_RECORD["signed_headers"])
    auth = final_headers["Authorization"]

    # Consistency checks (not a re-implementation: just guards that the
    # recorded pieces belong together and what `requests` would send).
    assert auth.endswith("Signature=" + hmac.new(sk.encode(), _RECORD["string_to_sign"].encode(),
                                                 hashlib.sha256).hexdigest()), name
    assert _RECORD["string_to_sign"].split("\n")[2] == \
        hashlib.sha256(_RECORD["canonical_request"].encode("utf-8")).hexdigest(), name
    prepared = requests.Request(signed.method, signed.url, headers=signed.header_params,
                                data=signed.body).prepare()
    parts = urlsplit(prepared.url)
    assert parts.path == encoded_path, (name, parts.path, encoded_path)
    assert parts.query == encoded_query, (name, parts.query, encoded_query)

    input_headers = {k: v for k, v in before["headers"].items() if k.lower() != "x-sdk-date"}
    vec = {
        "name": name,
        "via": via,
        "method": before["method"],
        "host": before["host"],
        "path": _raw_path_from_resource_path(before["resource_path"]),
        "query": before["query"],
        "headers": input_headers,
        "body": before["body"],
        "ak": ak,
        "sk": sk,
        "securityToken": token,
        "projectId": project_id,
        "date": date,
        "expected": {
            "canonicalRequest": _RECORD["canonical_request"],
            "stringToSign": _RECORD["string_to_sign"],
            "signedHeaders": signed_headers,
            "authorization": auth,
            "headers": final_headers,
            "encodedPath": encoded_path,
            "encodedQuery": encoded_query,
        },
    }
    if note:
        vec["note"] = note
    return vec


# --------------------------------------------------------------------------
# "signer" vectors: SdkRequest built with the client's own helpers
# --------------------------------------------------------------------------
_HELPER_CLIENT = None


def _helper_client():
    global _HELPER_CLIENT
    if _HELPER_CLIENT is None:
        _HELPER_CLIENT = _build_oms_client("https://" + HOST, BasicCredentials(AK, SK, PROJECT))
    return _HELPER_CLIENT


def _resource_path_like_client(raw_path):
    """Encode a raw path exactly like Client.build_future_request encodes path
    params: each non-empty segment becomes a `{pN}` placeholder that
    Client._parse_path_params fills with quote(value, safe='')."""
    segments = raw_path.split("/")
    params = {}
    template_parts = []
    for i, seg in enumerate(segments):
        if seg == "":
            template_parts.append("")
        else:
            key = "p%d" % i
            params[key] = seg
            template_parts.append("{%s}" % key)
    template = "/".join(template_parts)
    return _helper_client()._parse_path_params({}, params, template, None)


def signer_vector(name, method, path, query=(), headers=None, body="", host=HOST, ak=AK, sk=SK,
                  token=None, project_id=None, date="20240102T030405Z", note=None):
    _set_clock(date)
    client = _helper_client()
    resource_path = _resource_path_like_client(path)
    query_params = client._parse_query_params({}, [tuple(p) for p in query])
    request = SdkRequest(method=method, schema="https", host=host, resource_path=resource_path,
                         query_params=query_params, header_params=dict(headers or {}),
                         body=body if body != "" else None)
    holder = {}
    creds = _instrument_credentials(_make_credentials(ak, sk, token, project_id), holder)
    signed = creds.sign_request(request)
    before = holder["before"]
    assert _raw_path_from_resource_path(before["resource_path"]) == path, (name, path)
    assert before["query"] == [[k, v] for k, v in query], name
    return _finish(name, "signer", date, ak, sk, token, project_id, before, signed, note)


# --------------------------------------------------------------------------
# "client" vectors: a real OmsClient, intercepted before the network
# --------------------------------------------------------------------------
def _build_oms_client(endpoint, creds, ignore_ct_get=False):
    config = HttpConfig.get_default_config()
    config.user_agent = FIXED_UA  # the default embeds OS/Python details
    config.ignore_content_type_for_get_request = ignore_ct_get
    client = OmsClient.new_builder() \
        .with_http_config(config) \
        .with_credentials(creds) \
        .with_endpoint(endpoint) \
        .build()
    client._logger.setLevel(logging.CRITICAL)

    def intercept(request):
        raise _Intercepted(request)

    client.get_http_client().do_request_sync = intercept
    return client


def client_vector(name, call, endpoint="https://" + HOST, ak=AK, sk=SK, token=None,
                  project_id=PROJECT, date="20240102T030405Z", ignore_ct_get=False, note=None):
    _set_clock(date)
    holder = {}
    creds = _instrument_credentials(_make_credentials(ak, sk, token, project_id), holder)
    client = _build_oms_client(endpoint, creds, ignore_ct_get)
    try:
        call(client)
    except _Intercepted as e:
        signed = e.request
    else:  # pragma: no cover
        raise AssertionError("request was not intercepted: " + name)
    return _finish(name, "client", date, ak, sk, token, project_id, holder["before"], signed, note)


# --------------------------------------------------------------------------
# The vectors
# --------------------------------------------------------------------------
JSON_CT = {"Content-Type": "application/json"}


def build_vectors():
    P = PROJECT
    v = []
    S = signer_vector
    C = client_vector

    # --- methods / basic paths -------------------------------------------
    v.append(S("get-list-tasks-basic", "GET", "/v2/%s/tasks" % P,
               headers={"Content-Type": "application/json", "X-Project-Id": P}))
    v.append(S("get-no-headers", "GET", "/v2/p/tasks", headers={},
               note="Only Host and X-Sdk-Date end up signed."))
    v.append(S("get-trailing-slash", "GET", "/v2/p/tasks/", headers=JSON_CT,
               note="Canonical URI is identical with or without the trailing slash; the wire path keeps it as given."))
    v.append(S("get-root-path", "GET", "/", headers={}))
    v.append(S("get-show-task", "GET", "/v2/%s/tasks/1681234567890" % P, headers=JSON_CT,
               date="20241231T235959Z"))
    v.append(S("post-stop-task-empty-body", "POST", "/v2/p/tasks/123/stop", headers=JSON_CT))
    v.append(S("post-json-body", "POST", "/v2/%s/tasks" % P,
               headers={"Content-Type": "application/json;charset=UTF-8", "X-Project-Id": P},
               body='{"task_type":"object","description":"nightly copy","enable_restore":false}'))
    v.append(S("post-unicode-json-body", "POST", "/v2/%s/tasks" % P, headers=JSON_CT,
               body='{"description":"迁移任务 数据 é ü 😀","src_node":{"bucket":"桶-1"}}',
               note="Body hash is SHA-256 over the UTF-8 bytes of the body exactly as sent."))
    v.append(S("post-json-body-with-whitespace", "POST", "/v2/p/tasks", headers=JSON_CT,
               body='{\n  "a": 1,\n  "b": [1, 2]\n}\n'))
    v.append(S("put-bandwidth-policy", "PUT", "/v2/%s/tasks/42/bandwidth-policy" % P, headers=JSON_CT,
               body='{"bandwidth_policy":[{"start":"00:00","end":"08:00","max_bandwidth":10485760}]}',
               date="20240229T120000Z"))
    v.append(S("delete-task", "DELETE", "/v2/%s/tasks/42" % P, headers=JSON_CT))
    v.append(S("delete-task-group-with-body", "DELETE", "/v2/p/taskgroups/g-1", headers=JSON_CT,
               body='{"force":true}'))
    v.append(S("patch-method", "PATCH", "/v2/p/sync-tasks/s1", headers=JSON_CT, body="{}"))

    # --- path encoding ---------------------------------------------------
    v.append(S("path-space", "GET", "/v2/p/buckets/my bucket/objects", headers={}))
    v.append(S("path-unicode-cjk", "GET", "/v2/p/数据/tasks", headers={}))
    v.append(S("path-unicode-latin", "GET", "/v2/p/café/é", headers={}))
    v.append(S("path-plus", "GET", "/v2/p/a+b/c", headers={}))
    v.append(S("path-percent-literal", "GET", "/v2/p/100%/x", headers={},
               note="A literal '%' in a segment is encoded as %25 (path params are encoded by the client before signing)."))
    v.append(S("path-percent-escape-lookalike", "GET", "/v2/p/%41%2F%zz", headers={},
               note="Text that looks like an escape is NOT decoded: '%41' stays literal and becomes %2541."))
    v.append(S("path-unreserved", "GET", "/v2/p/a~b_c-d.e/AZaz09", headers={}))
    v.append(S("path-reserved-chars", "GET", "/v2/p/a=b&c;d:e@f,g!h$i'j(k)l*m", headers={}))
    v.append(S("path-question-hash-brackets", "GET", "/v2/p/what?x#frag[0]{1}", headers={}))
    v.append(S("path-double-slash", "GET", "/v2//p//tasks", headers={}))
    v.append(S("path-unicode-trailing-slash", "GET", "/v2/p/数据/", headers={}))

    # --- query strings ---------------------------------------------------
    v.append(S("query-unsorted-keys", "GET", "/v2/%s/tasks" % P,
               query=[["offset", "0"], ["limit", "10"], ["group_id", "g1"], ["status", "2"]], headers=JSON_CT))
    v.append(S("query-repeated-key", "GET", "/v2/p/tasks",
               query=[["status", "3"], ["status", "1"], ["status", "2"]], headers={}))
    v.append(S("query-repeated-interleaved", "GET", "/v2/p/tasks",
               query=[["b", "2"], ["a", "z"], ["b", "1"], ["a", "y"], ["b", "10"]], headers={},
               note="Pairs are sorted by (key, value); values compare as strings so '10' < '2'."))
    v.append(S("query-duplicate-pairs", "GET", "/v2/p/tasks",
               query=[["k", "v"], ["k", "v"], ["j", ""]], headers={}))
    v.append(S("query-empty-values", "GET", "/v2/p/objects",
               query=[["marker", ""], ["limit", "10"], ["prefix", ""]], headers={},
               note="Empty values keep the '=': 'marker='."))
    v.append(S("query-encoding-reserved", "GET", "/v2/p/objects",
               query=[["file name", "a b/c=d"], ["key&x", "v&y?z#w"], ["semi;colon", "a,b:c@d"]], headers={}))
    v.append(S("query-unicode", "GET", "/v2/p/tasks",
               query=[["task_name", "数据迁移"], ["name", "é"], ["emoji", "😀"]], headers={}))
    v.append(S("query-plus-percent-tilde", "GET", "/v2/p/tasks",
               query=[["q", "a+b"], ["pct", "100%"], ["t", "~x*"], ["esc", "%41"]], headers={},
               note="'+' is %2B (never a space), '%' is %25, '~' stays, '*' is %2A."))
    v.append(S("query-sort-raw-not-encoded", "GET", "/v2/p/tasks",
               query=[["é", "1"], ["~", "2"], ["a b", "3"], ["a+b", "4"], ["a%20b", "5"], ["Z", "6"], ["a", "7"],
                      ["_", "8"], ["-", "9"], [".", "10"]], headers={},
               note="Sort is on the RAW (unencoded) strings by code point, before percent-encoding: "
                    "'~' (U+007E) sorts before 'é' (U+00E9) even though their encodings sort the other way."))
    v.append(S("query-sort-supplementary-plane", "GET", "/v2/p/tasks",
               query=[["😀", "emoji"], ["ｚ", "fullwidth"], ["z", "ascii"]], headers={},
               note="Code point order: U+FF5A < U+1F600 (UTF-16 code unit order would differ)."))
    v.append(S("query-values-sort-raw", "GET", "/v2/p/tasks",
               query=[["k", "é"], ["k", "~"], ["k", "z"], ["k", "A"], ["k", ""], ["k", " "]], headers={}))
    v.append(S("query-case-sensitive-keys", "GET", "/v2/p/tasks",
               query=[["limit", "1"], ["Limit", "2"], ["LIMIT", "3"]], headers={}))

    # --- headers ---------------------------------------------------------
    v.append(S("headers-mixed-case-whitespace", "GET", "/v2/p/tasks",
               headers={"Content-Type": "application/json", "X-Custom-Header": "  value with  inner  spaces  ",
                        "x-ANOTHER-header": "\tTabbed\t", "X-Empty": "", "X-Only-Spaces": "   "},
               note="Names lowercased; values trimmed at both ends (inner whitespace kept); the trimmed value is also what is sent."))
    v.append(S("headers-underscore-not-signed", "GET", "/v2/p/tasks",
               headers={"X_Custom_Header": "  sent but not signed ", "X-Normal": "signed"},
               note="Header names containing '_' are excluded from signing (but still sent, trimmed)."))
    v.append(S("headers-unicode-value", "POST", "/v2/p/tasks",
               headers={"Content-Type": "application/json", "X-Note": " 数据 é "}, body="{}"))
    v.append(S("headers-explicit-host-lowercase", "GET", "/v2/p/tasks",
               headers={"host": "custom.example.com"},
               note="A caller-supplied Host header (any case) wins over the request host and is signed as given."))
    v.append(S("headers-explicit-host-whitespace-port", "GET", "/v2/p/tasks", host="oms.example.com:8443",
               headers={"Host": "  oms.example.com:8443  "}))
    v.append(S("host-with-port", "GET", "/v2/p/tasks", host="127.0.0.1:8443", headers=JSON_CT,
               note="Host header added by the signer is the authority incl. port."))
    v.append(S("headers-many-sorted", "PUT", "/v2/p/tasks/1",
               headers={"X-Z": "z", "Accept": "application/json", "X-A": "a", "Content-Type": "application/json",
                        "X-Project-Id": P, "X-Language": "en-us"}, body='{"x":1}'))
    v.append(S("headers-project-id-from-credentials", "GET", "/v2/%s/tasks" % P, headers=JSON_CT,
               project_id=P, note="BasicCredentials(project_id=...) sets X-Project-Id before signing."))

    # --- temporary credentials -------------------------------------------
    v.append(S("security-token-get", "GET", "/v2/%s/tasks" % P, headers=JSON_CT,
               ak=AK2, sk=SK2, token=TOKEN))
    v.append(S("security-token-post-json", "POST", "/v2/%s/tasks/7/start" % P,
               headers={"Content-Type": "application/json", "X-Project-Id": P},
               body='{"src_ak":"SRCAKEXAMPLE","src_sk":"src-sk-example"}', ak=AK2, sk=SK2, token=TOKEN,
               date="20250615T081530Z"))

    # --- content type / payload hashing ----------------------------------
    v.append(S("content-type-octet-stream-unsigned-payload", "PUT", "/v2/p/upload",
               headers={"Content-Type": "application/octet-stream"}, body="raw bytes here",
               note="Non-JSON/BSON Content-Type => signer adds X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD and uses it as the payload hash."))
    v.append(S("content-type-text-plain-empty-body", "POST", "/v2/p/upload",
               headers={"Content-Type": "text/plain"},
               note="Header is still added, but an empty body always hashes to the empty-string SHA-256."))
    v.append(S("content-type-lowercase-key-not-detected", "POST", "/v2/p/upload",
               headers={"content-type": "text/plain"}, body="hello",
               note="SDK quirk: the UNSIGNED-PAYLOAD check looks up exactly 'Content-Type' (case-sensitive)."))
    v.append(S("content-type-bson-signed-payload", "POST", "/v2/p/upload",
               headers={"Content-Type": "application/bson"}, body="bson-ish"))

    # --- kitchen sink ----------------------------------------------------
    v.append(S("kitchen-sink", "POST", "/v2/%s/数据 a+b/100%%/" % P,
               query=[["z", "last"], ["a", "数 据"], ["a", "+"], ["m", ""], ["k/ey", "v=al"]],
               headers={"Content-Type": "application/json", "X-Custom": "  Mixed Value  ", "x_skip": "1"},
               body='{"name":"迁移","n":1}', ak=AK2, sk=SK2, token=TOKEN, project_id=P, host=HOST_AP,
               date="20260101T000000Z"))

    # --- real OmsClient end to end ---------------------------------------
    v.append(C("client-list-tasks-no-params", lambda c: c.list_tasks(ListTasksRequest())))
    v.append(C("client-list-tasks-params",
               lambda c: c.list_tasks(ListTasksRequest(task_name="数据 迁移/1", limit=10, offset=0, status=2)),
               note="int query values are stringified."))
    v.append(C("client-show-task", lambda c: c.show_task(ShowTaskRequest(task_id="1681234567890"))))
    v.append(C("client-stop-task", lambda c: c.stop_task(StopTaskRequest(task_id=123)), date="20240229T120000Z"))
    v.append(C("client-delete-task", lambda c: c.delete_task(DeleteTaskRequest(task_id="456"))))
    v.append(C("client-start-task-temporary-credentials",
               lambda c: c.start_task(StartTaskRequest(task_id="789", body=StartTaskReq(
                   src_ak="SRCAKEXAMPLE", src_sk="src-sk-example", dst_ak="DSTAKEXAMPLE", dst_sk="dst-sk-example"))),
               ak=AK2, sk=SK2, token=TOKEN))
    v.append(C("client-create-task-unicode-body",
               lambda c: c.create_task(CreateTaskRequest(body=CreateTaskReq(
                   task_type="object", description="迁移任务 é",
                   src_node=SrcNodeReq(cloud_type="AWS", region="us-east-1", ak="SRCAKEXAMPLE", sk="src-sk-example",
                                       bucket="src-bucket", object_key=["a/", "b c/"]),
                   dst_node=DstNodeReq(ak="DSTAKEXAMPLE", sk="dst-sk-example", bucket="dst-bucket",
                                       region="cn-north-4", save_prefix="迁移/"),
                   enable_metadata_migration=True))),
               date="20250615T081530Z",
               note="The SDK serialises model bodies with simplejson defaults (ASCII-escaped, ', ' and ': ' separators)."))
    v.append(C("client-endpoint-with-port",
               lambda c: c.list_tasks(ListTasksRequest(limit=5)), endpoint="https://127.0.0.1:8443"))
    v.append(C("client-get-ignore-content-type",
               lambda c: c.do_http_request(method="GET", resource_path="/v2/{project_id}/tasks/{task_id}",
                                           path_params={"task_id": "t 1"}, query_params=[], header_params={}),
               ignore_ct_get=True,
               note="HttpConfig.ignore_content_type_for_get_request drops Content-Type for body-less GETs."))
    v.append(C("client-multi-collection-and-bool-query",
               lambda c: c.do_http_request(method="GET", resource_path="/v2/{project_id}/tasks",
                                           query_params=[("status", [3, 1, 2]), ("enabled", True),
                                                         ("name", "é x"), ("skip", None)],
                                           header_params={"X-Trace": " abc "},
                                           collection_formats={"status": "multi"}),
               note="List params expand to repeated pairs, bool -> 'true', None params are dropped."))
    v.append(C("client-path-param-with-specials",
               lambda c: c.do_http_request(method="DELETE", resource_path="/v2/{project_id}/taskgroups/{group_id}",
                                           path_params={"group_id": "g +%~é"}, header_params={})))
    return v


# --------------------------------------------------------------------------
SCHEMA = {
    "type": "object",
    "required": ["generator", "vectors"],
    "properties": {
        "generator": {"type": "string"},
        "vectors": {
            "type": "array",
            "minItems": 40,
            "items": {
                "type": "object",
                "required": ["name", "method", "host", "path", "query", "headers", "body", "ak", "sk",
                             "securityToken", "date", "expected"],
                "properties": {
                    "name": {"type": "string"},
                    "method": {"type": "string"},
                    "host": {"type": "string"},
                    "path": {"type": "string"},
                    "query": {"type": "array", "items": {"type": "array", "minItems": 2, "maxItems": 2,
                                                         "items": {"type": "string"}}},
                    "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                    "body": {"type": "string"},
                    "ak": {"type": "string"},
                    "sk": {"type": "string"},
                    "securityToken": {"type": ["string", "null"]},
                    "projectId": {"type": ["string", "null"]},
                    "date": {"type": "string", "pattern": "^[0-9]{8}T[0-9]{6}Z$"},
                    "expected": {
                        "type": "object",
                        "required": ["canonicalRequest", "stringToSign", "signedHeaders", "authorization",
                                     "headers", "encodedPath", "encodedQuery"],
                        "properties": {
                            "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                        },
                    },
                },
            },
        },
    },
}


def generate():
    core_v = _pkg_version("huaweicloudsdkcore") if _pkg_version else "?"
    oms_v = _pkg_version("huaweicloudsdkoms") if _pkg_version else "?"
    vectors = build_vectors()
    names = [x["name"] for x in vectors]
    assert len(names) == len(set(names)), "duplicate vector names"
    doc = {
        "generator": "scripts/gen_signing_vectors.py with huaweicloudsdkcore==%s, huaweicloudsdkoms==%s "
                     "(Signer SDK-HMAC-SHA256)" % (core_v, oms_v),
        "vectors": vectors,
    }
    jsonschema.validate(doc, SCHEMA)
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true", help="exit 1 if --out differs from freshly generated output")
    args = ap.parse_args(argv)

    text = generate()
    if args.check:
        try:
            with open(args.out, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = None
        if current != text:
            print("signing vectors are stale: %s" % args.out, file=sys.stderr)
            return 1
        print("signing vectors up to date: %s" % args.out)
        return 0

    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    print("wrote %d vectors to %s" % (len(json.loads(text)["vectors"]), args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
