"""The Kubernetes manifests validate offline against the API's schemas and keep the operational rules."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

pytestmark = pytest.mark.pure
ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
KUBERNETES_VERSION = "1.30.0"  # the oldest minor still supported by the main cloud providers


def _documents() -> list[dict[str, Any]]:
    found = []
    for path in sorted(K8S.rglob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        found += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return found


DOCUMENTS = _documents()


def _one(kind: str, name: str) -> dict[str, Any]:
    return next(doc for doc in DOCUMENTS if doc["kind"] == kind and doc["metadata"]["name"] == name)


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda doc: f"{doc['kind']}/{doc['metadata']['name']}")
def test_every_manifest_validates_strictly_against_the_kubernetes_schema(doc):
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_every_kustomization_lists_files_that_exist():
    for kustomization in K8S.rglob("kustomization.yaml"):
        for resource in yaml.safe_load(kustomization.read_text())["resources"]:
            assert (kustomization.parent / resource).is_file(), f"{kustomization}: {resource}"


@pytest.mark.parametrize(("tier", "command"), [("web", "web"), ("ws", "ws")])
def test_the_http_and_socket_tiers_are_probed_scaled_and_protected_from_disruption(tier, command):
    deployment = _one("Deployment", f"fitwell-{tier}")["spec"]
    container = deployment["template"]["spec"]["containers"][0]
    assert container["args"] == [command]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert deployment["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    hpa = _one("HorizontalPodAutoscaler", f"fitwell-{tier}")["spec"]
    assert hpa["scaleTargetRef"]["name"] == f"fitwell-{tier}"
    assert "cpu" in {metric.get("resource", {}).get("name") for metric in hpa["metrics"]}
    assert hpa["minReplicas"] >= 2
    pdb = _one("PodDisruptionBudget", f"fitwell-{tier}")["spec"]
    assert pdb["minAvailable"] >= 1
    assert pdb["selector"]["matchLabels"] == deployment["selector"]["matchLabels"]
    service = _one("Service", f"fitwell-{tier}")["spec"]
    assert service["selector"] == deployment["selector"]["matchLabels"]


def test_the_web_tier_also_scales_on_latency_and_is_gunicorn():
    hpa = _one("HorizontalPodAutoscaler", "fitwell-web")["spec"]
    assert {metric["type"] for metric in hpa["metrics"]} == {"Resource", "Pods"}  # CPU and latency
    # `auto` picked uvicorn for `web` while it was installed: under ASGI an API list exhausted PostgreSQL.
    assert _one("ConfigMap", "fitwell-config")["data"]["WEB_SERVER"] == "wsgi"


def _routes() -> dict[tuple[str, str], tuple[str, dict[str, str]]]:
    """{(host, path): (Service, the Ingress's annotations)} over every Ingress."""
    routes = {}
    for doc in DOCUMENTS:
        if doc["kind"] != "Ingress":
            continue
        for rule in doc["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                service = path["backend"]["service"]["name"]
                routes[(rule["host"], path["path"])] = (service, doc["metadata"].get("annotations", {}))
    return routes


def test_the_ingress_sends_sockets_to_ws_with_a_long_timeout_and_everything_else_to_web():
    routes = _routes()
    socket_path = "/ws/"  # domain/messaging/routing.py: ws/messaging/
    ws_service, ws_annotations = routes[("*.fitwell.example.com", socket_path)]
    assert ws_service == "fitwell-ws"
    assert int(ws_annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    assert ws_annotations["nginx.ingress.kubernetes.io/proxy-http-version"] == "1.1"  # Upgrade needs HTTP/1.1
    for host in ("fitwell.example.com", "*.fitwell.example.com"):
        web_service, web_annotations = routes[(host, "/")]
        assert web_service == "fitwell-web"
        assert int(web_annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) < 3600  # pages: short
    assert {service for service, _annotations in routes.values()} == {"fitwell-web", "fitwell-ws"}
    assert all(path == "/" or path == socket_path for _host, path in routes)


def test_the_deploy_script_waits_for_every_deployment():
    script = (K8S / "deploy.sh").read_text()
    for doc in DOCUMENTS:
        if doc["kind"] == "Deployment":
            assert doc["metadata"]["name"] in script


def test_beat_is_one_replica_replaced_not_rolled():
    beat = _one("Deployment", "fitwell-beat")["spec"]
    assert beat["replicas"] == 1
    assert beat["strategy"] == {"type": "Recreate"}


def test_every_container_has_requests_and_limits_and_runs_without_root():
    for doc in DOCUMENTS:
        if doc["kind"] not in ("Deployment", "Job"):
            continue
        pod = doc["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        for container in pod["containers"]:
            assert {"cpu", "memory"} <= set(container["resources"]["requests"]), doc["metadata"]["name"]
            assert {"cpu", "memory"} <= set(container["resources"]["limits"]), doc["metadata"]["name"]
            assert container["securityContext"]["readOnlyRootFilesystem"] is True


def test_the_migrate_job_runs_the_image_s_migrate_command():
    job = _one("Job", "fitwell-migrate")["spec"]["template"]["spec"]
    assert job["containers"][0]["args"] == ["migrate"]
    assert job["restartPolicy"] == "Never"


def _documented_settings() -> set[str]:
    """Every variable named in the Configuration table of docs/operations.md."""
    text = (ROOT / "docs" / "operations.md").read_text()
    table = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in table.splitlines():
        if line.startswith("| `"):
            names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1]))
    return names


def test_every_documented_setting_is_wired_through_the_configmap_or_the_secret():
    wired = set(_one("ConfigMap", "fitwell-config")["data"]) | set(_one("Secret", "fitwell-secrets")["stringData"])
    # Set by the image itself (Dockerfile ENV) or meaningful only on a developer's machine.
    by_the_image = {"STATIC_ROOT", "MEDIA_ROOT", "PROMETHEUS_MULTIPROC_DIR", "WEB_CONCURRENCY"}  # the last: an alias
    missing = _documented_settings() - wired - by_the_image
    assert not missing, f"documented but not wired in deploy/k8s: {sorted(missing)}"
    assert len(_documented_settings()) > 30
