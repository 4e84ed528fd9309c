#!/bin/sh
# Roll out one image tag: migrate first (and wait), then the workloads. `deploy/k8s/deploy.sh 1.4.2`
# Needs kubectl (with kustomize) and the Secret fitwell-secrets in place. docs/operations.md, "Kubernetes".
set -eu
tag="${1:?usage: deploy.sh IMAGE_TAG}"
image="${FITWELL_IMAGE:-registry.example.com/fitwell}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for part in migrate base; do
    cp -r "$here/$part" "$work/$part"
    (cd "$work/$part" && kubectl kustomize edit set image "fitwell=$image:$tag" 2>/dev/null \
        || sed -i "s/newTag: .*/newTag: \"$tag\"/; s#newName: .*#newName: $image#" kustomization.yaml)
done
kubectl -n fitwell delete job fitwell-migrate --ignore-not-found
kubectl apply -k "$work/migrate"
kubectl -n fitwell wait --for=condition=complete --timeout=3600s job/fitwell-migrate
kubectl apply -k "$work/base"
for workload in fitwell-web fitwell-ws fitwell-worker fitwell-beat; do
    kubectl -n fitwell rollout status "deployment/$workload" --timeout=15m
done
