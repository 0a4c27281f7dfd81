#!/usr/bin/env bash
# Builds what a host deploys (README « Production »).
#   scripts/publish.sh self-contained [DIR]   linux-x64 build with its own .NET runtime into DIR (default artifacts/paraphe);
#                                             run DIR/Paraphe.Web on a host without .NET
#   scripts/publish.sh image [FILE]           OCI image built by the .NET SDK (no Docker engine) written as a tarball
#                                             (default artifacts/paraphe-image.tar.gz): docker load -i FILE, podman load -i FILE
#   scripts/publish.sh push REGISTRY          the same image pushed to REGISTRY (e.g. registry.example.fr/immo), credentials
#                                             from docker/podman login
# Extra arguments after these go to dotnet publish (e.g. -p:ContainerBaseImage=mirror.example.fr/dotnet/runtime-deps:10.0,
# -p:ContainerImageTags=1.4.0).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-self-contained}"; shift || true
project=src/Paraphe.Web/Paraphe.Web.csproj
case "$mode" in
  self-contained)
    out="${1:-artifacts/paraphe}"; shift || true
    dotnet publish "$project" -c Release -r linux-x64 --self-contained -o "$out" "$@"
    echo "published: $out/Paraphe.Web"
    ;;
  image)
    file="${1:-artifacts/paraphe-image.tar.gz}"; shift || true
    mkdir -p "$(dirname "$file")"
    dotnet publish "$project" -c Release -r linux-x64 --self-contained -t:PublishContainer \
      -p:ContainerArchiveOutputPath="$(realpath -m "$file")" "$@"
    echo "image archive: $file (docker load -i $file)"
    ;;
  push)
    registry="${1:?registry, e.g. registry.example.fr/immo}"; shift
    host="${registry%%/*}"; repository=paraphe
    [[ "$registry" == */* ]] && repository="${registry#*/}/paraphe"
    dotnet publish "$project" -c Release -r linux-x64 --self-contained -t:PublishContainer \
      -p:ContainerRegistry="$host" -p:ContainerRepository="$repository" "$@"
    ;;
  *) sed -n 2,10p "$0"; exit 2 ;;
esac
