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


def test_the_web_tier_is_probed_scaled_and_protected_from_disruption():
    web = _one("Deployment", "fitwell-web")["spec"]["template"]["spec"]["containers"][0]
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    hpa = _one("HorizontalPodAutoscaler", "fitwell-web")["spec"]
    assert {metric["type"] for metric in hpa["metrics"]} == {"Resource", "Pods"}  # CPU and latency
    assert hpa["minReplicas"] >= 2
    assert _one("PodDisruptionBudget", "fitwell-web")["spec"]["minAvailable"] >= 1


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
