#!/usr/bin/env bash
# End-to-end proof of kube-cluster.sh: the echo environment built as an image tar without a registry
# (openenv build --to-tar), loaded into the cluster, run as a hostNetwork Pod and as two Pods in network
# namespaces of their own (both on port 8000), each reached by kubectl port-forward on 127.0.0.1 (/health,
# POST /reset); then the cluster taken down and checked empty. Prints the measured times at the end.
# Needs root; builds the binaries first when they are not cached; refuses to run while a cluster is up.
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
ours=
cleanup() {
  [ -z "$pf_pid" ] || kill "$pf_pid" 2>/dev/null || true
  [ -z "$ours" ] || "$cluster" down >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
# Someone else's cluster (the same machine-wide state directories) is not ours to measure or take down.
if "$cluster" status >/dev/null 2>&1; then echo "kube-smoke: a cluster is already up; run '$cluster down' first"; exit 1; fi

step "cluster binaries"
t=$(ms); "$cluster" build; results+=("kube-cluster.sh build: $(( $(ms) - t )) ms")

step "echo image as a tar (openenv build --to-tar, no registry, no engine load)"
t=$(ms)
(cd "$root" && ./openenv build --jar openenv-cli/target/openenv.jar --main-class dev.openenv.cli.Main --aot false \
  --tag "$image" --to-tar "$work/echo.tar") >/dev/null
results+=("openenv build --to-tar: $(( $(ms) - t )) ms ($(( $(stat -c %s "$work/echo.tar") / 1000000 )) MB)")

step "cluster up"
ours=1
t=$(ms); "$cluster" up; results+=("kube-cluster.sh up (cached binaries): $(( $(ms) - t )) ms")
eval "$("$cluster" env)"
t=$(ms); "$cluster" load "$work/echo.tar" >/dev/null; results+=("load image tar: $(( $(ms) - t )) ms")

# NAME PORT HOSTNETWORK: a pod of the echo image serving on 127.0.0.1:PORT of the node (hostNetwork true) or
# of its own network namespace (false: probed by a command in the container, as the kubelet cannot reach it).
pod_yaml() {
  local probe
  if [ "$3" = true ]; then probe="httpGet: {host: 127.0.0.1, path: /health, port: $2}"
  else probe="exec:
        command:
        - bash
        - -c
        - |
          exec 3<>/dev/tcp/127.0.0.1/$2 && printf 'GET /health HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200 '"; fi
  cat <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $1, labels: {app: kube-smoke}}
spec:
  hostNetwork: $3
  automountServiceAccountToken: false
  terminationGracePeriodSeconds: 2
  containers:
  - name: env
    image: $image
    imagePullPolicy: Never
    args: ["serve", "echo"]
    env: [{name: PORT, value: "$2"}, {name: HOST, value: "127.0.0.1"}]
    readinessProbe:
      $probe
      periodSeconds: 1
YAML
}
# NAME PORT: port-forward from a free local port, POST /reset until answered (ms in reach_ms), GET /health.
reach() {
  local local_port t deadline reset health
  reach_ms=
  local_port=$(free_port)
  t=$(ms)
  kubectl port-forward --address 127.0.0.1 "pod/$1" "$local_port:$2" >"$work/pf-$1.log" 2>&1 &
  pf_pid=$!
  deadline=$(( $(ms) + 30000 ))
  until reset=$(curl -sf -X POST -H 'Content-Type: application/json' -d '{}' "http://127.0.0.1:$local_port/reset"); do
    [ "$(ms)" -lt "$deadline" ] || { cat "$work/pf-$1.log"; echo "no reset answered through port-forward within 30 s"; exit 1; }
    sleep 0.05
  done
  reach_ms=$(( $(ms) - t ))
  health=$(curl -sf "http://127.0.0.1:$local_port/health")
  echo "$health" | grep -q healthy || { echo "unexpected /health answer from $1: $health"; exit 1; }
  echo "$reset" | grep -q observation || { echo "unexpected /reset answer from $1: $reset"; exit 1; }
  echo "   $1 /health: $health, /reset: $reset"
  kill "$pf_pid"; wait "$pf_pid" 2>/dev/null || true; pf_pid=
}
ready() { # NAME...
  local p
  for p in "$@"; do
    kubectl wait --for=condition=Ready "pod/$p" --timeout=120s >/dev/null || { kubectl describe pod "$p"; kubectl logs "$p" || true; exit 1; }
  done
}

port=$(free_port)
step "pod echo on the node's network (hostNetwork), port $port"
pod_yaml echo "$port" true > "$work/pod.yaml"
t=$(ms); kubectl apply -f "$work/pod.yaml" >/dev/null; ready echo
results+=("hostNetwork pod create -> Ready: $(( $(ms) - t )) ms")
reach echo "$port"; results+=("port-forward started -> first reset answered: $reach_ms ms")

step "pods echo-a and echo-b, each in its own network namespace, both on port 8000"
{ pod_yaml echo-a 8000 false; echo ---; pod_yaml echo-b 8000 false; } > "$work/pods.yaml"
t=$(ms); kubectl apply -f "$work/pods.yaml" >/dev/null; ready echo-a echo-b
results+=("two own-namespace pods create -> both Ready: $(( $(ms) - t )) ms")
ips=$(kubectl get pod echo-a echo-b -o 'jsonpath={.items[*].status.podIP}')
case "$ips" in 198.18.*" "198.18.*) ;; *) echo "unexpected pod IPs: $ips"; exit 1 ;; esac
results+=("pod IPs (nowhere-leading, blackholed on the host): $ips")
reach echo-a 8000; a=$reach_ms; reach echo-b 8000
results+=("port-forward -> first reset: echo-a $a ms, echo-b $reach_ms ms")

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
! ip route show type blackhole | grep -q 198.18.0.0/15 || { echo "the blackhole route was left behind"; exit 1; }
! ls /run/netns/cni-* >/dev/null 2>&1 || { echo "pod network namespaces left in /run/netns:"; ls /run/netns; exit 1; }
if ! ls -d /sys/fs/cgroup/*/kubepods >/dev/null 2>&1; then results+=("after down: no processes, mounts, state, pod cgroups, netns or route left"); else
  echo "pod cgroups left behind:"; ls -d /sys/fs/cgroup/*/kubepods; exit 1; fi

echo "== kube-smoke: passed"
printf '   %s\n' "${results[@]}"
