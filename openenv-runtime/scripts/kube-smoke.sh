#!/usr/bin/env bash
# End-to-end proof of kube-cluster.sh: the echo environment built as an image tar without a registry
# (openenv build --to-tar), loaded into the cluster, run as a hostNetwork Pod, reached by kubectl
# port-forward on 127.0.0.1 (/health, POST /reset), then the cluster taken down and checked empty.
# Prints the measured times at the end. Needs root; builds the binaries first when they are not cached.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cluster="$root/openenv-runtime/scripts/kube-cluster.sh"
work=$(mktemp -d)
image=localhost/openenv-echo:kube-smoke
ms() { echo $(( $(date +%s%N) / 1000000 )); }
step() { echo "== kube-smoke: $*"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
results=()
pf_pid=
cleanup() {
  [ -z "$pf_pid" ] || kill "$pf_pid" 2>/dev/null || true
  "$cluster" down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

step "cluster binaries"
t=$(ms); "$cluster" build; results+=("kube-cluster.sh build: $(( $(ms) - t )) ms")

step "echo image as a tar (openenv build --to-tar, no registry, no engine load)"
t=$(ms)
(cd "$root" && ./openenv build --jar openenv-cli/target/openenv.jar --main-class dev.openenv.cli.Main --aot false \
  --tag "$image" --to-tar "$work/echo.tar") >/dev/null
results+=("openenv build --to-tar: $(( $(ms) - t )) ms ($(( $(stat -c %s "$work/echo.tar") / 1000000 )) MB)")

step "cluster up"
t=$(ms); "$cluster" up; results+=("kube-cluster.sh up (cached binaries): $(( $(ms) - t )) ms")
eval "$("$cluster" env)"
t=$(ms); "$cluster" load "$work/echo.tar" >/dev/null; results+=("load image tar: $(( $(ms) - t )) ms")

port=$(free_port)
step "pod echo on hostNetwork port $port"
cat > "$work/pod.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata: {name: echo, labels: {app: kube-smoke}}
spec:
  hostNetwork: true
  automountServiceAccountToken: false
  terminationGracePeriodSeconds: 2
  containers:
  - name: env
    image: $image
    imagePullPolicy: Never
    args: ["serve", "echo"]
    env: [{name: PORT, value: "$port"}, {name: HOST, value: "127.0.0.1"}]
    readinessProbe:
      httpGet: {host: 127.0.0.1, path: /health, port: $port}
      periodSeconds: 1
YAML
t=$(ms)
kubectl apply -f "$work/pod.yaml" >/dev/null
kubectl wait --for=condition=Ready pod/echo --timeout=120s >/dev/null \
  || { kubectl describe pod echo; kubectl logs echo || true; exit 1; }
results+=("pod create -> Ready: $(( $(ms) - t )) ms")

local_port=$(free_port)
step "port-forward 127.0.0.1:$local_port -> pod port $port"
t=$(ms)
kubectl port-forward --address 127.0.0.1 pod/echo "$local_port:$port" >"$work/pf.log" 2>&1 &
pf_pid=$!
deadline=$(( $(ms) + 30000 ))
until reset=$(curl -sf -X POST -H 'Content-Type: application/json' -d '{}' "http://127.0.0.1:$local_port/reset"); do
  [ "$(ms)" -lt "$deadline" ] || { cat "$work/pf.log"; echo "no reset answered through port-forward within 30 s"; exit 1; }
  sleep 0.05
done
results+=("port-forward started -> first reset answered: $(( $(ms) - t )) ms")
health=$(curl -sf "http://127.0.0.1:$local_port/health")
echo "   /health: $health"
echo "   /reset:  $reset"
echo "$health" | grep -q healthy || { echo "unexpected /health answer"; exit 1; }
echo "$reset" | grep -q observation || { echo "unexpected /reset answer"; exit 1; }
kill "$pf_pid"; wait "$pf_pid" 2>/dev/null || true; pf_pid=

step "down, and nothing left"
# What the cluster started: its components, the containerd shims (they name its socket), the pods' processes.
started=$(cat /run/openenv-kube/pids/* 2>/dev/null; "$cluster" shim-pids;
  cat /sys/fs/cgroup/pids/kubepods/cgroup.procs /sys/fs/cgroup/pids/kubepods/*/cgroup.procs /sys/fs/cgroup/pids/kubepods/*/*/cgroup.procs \
    /sys/fs/cgroup/pids/kubepods/*/*/*/cgroup.procs 2>/dev/null)
started=$(echo "$started" | sort -un | tr '\n' ' ')
echo "   processes of the cluster before down: $(echo $started | wc -w) ($started)"
t=$(ms); "$cluster" down; results+=("kube-cluster.sh down: $(( $(ms) - t )) ms")
# A zombie (state Z) has exited; PID 1 reaps it in its own time.
left=$(for pid in $started; do
  state=$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) && [ "$state" != Z ] && ps -o pid=,stat=,args= -p "$pid"; done || true)
[ -z "$left" ] || { echo "processes left behind:"; echo "$left"; exit 1; }
mounts=$(findmnt -rn -o TARGET | grep -E '^(/var/lib/openenv-kube|/run/openenv-kube)' || true)
[ -z "$mounts" ] || { echo "mounts left behind:"; echo "$mounts"; exit 1; }
[ ! -e /var/lib/openenv-kube ] && [ ! -e /run/openenv-kube ] || { echo "state directories left behind"; exit 1; }
if ! ls -d /sys/fs/cgroup/*/kubepods >/dev/null 2>&1; then results+=("after down: no processes, mounts, state or pod cgroups left"); else
  echo "pod cgroups left behind:"; ls -d /sys/fs/cgroup/*/kubepods; exit 1; fi

echo "== kube-smoke: passed"
printf '   %s\n' "${results[@]}"
