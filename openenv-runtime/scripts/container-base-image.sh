#!/usr/bin/env bash
# Makes localhost/debian:bookworm, the base image of the container tests, without any registry:
# a minimal Debian root file system (debootstrap, from Debian's default mirror) imported into podman.
# Idempotent: does nothing when the image is there. Needs root, debootstrap and podman.
set -euo pipefail
image=${1:-localhost/debian:bookworm}
if podman image exists "$image"; then
  echo "== base image $image present"
  exit 0
fi
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
echo "== building base image $image (debootstrap --variant=minbase bookworm)"
debootstrap --variant=minbase bookworm "$rootfs" >/dev/null
tar -C "$rootfs" -c . | podman import - "$image" >/dev/null
echo "== base image $image built"
