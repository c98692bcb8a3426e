#!/usr/bin/env bash
# A real single-node Kubernetes for tests, built only from what these machines can install (see
# openenv-runtime/README.md, "A real cluster for the tests"):
#   build        build and cache kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kubectl
#                (k8s.io/kubernetes v1.37.2), etcd 3.7.3 and a static pause program; skipped when cached
#   up           start etcd, apiserver, controller-manager, scheduler, a private containerd and the kubelet;
#                wait until the node is Ready and the default service account exists; print KUBECONFIG=...
#   load TAR     import an OCI or docker-archive image tar into the cluster's containerd (namespace k8s.io)
#   down         stop everything, kill every pod container, remove the state (keeps the binary cache)
#   status       print whether the cluster is up, its processes and nodes
#   env          print export lines (KUBECONFIG, PATH with kubectl)
#   shim-pids    print the pids of this cluster's containerd shims (used by down and kube-smoke.sh)
# No pod network (traffic only to 127.0.0.1): a pod has its own namespace with nowhere-leading interfaces, or is
# hostNetwork listening on 127.0.0.1; reach pods with kubectl port-forward, probe them with exec (or httpGet
# with host: 127.0.0.1 when hostNetwork). The machine has one such cluster at a time (fixed ports and paths).
set -euo pipefail

KUBE_VERSION=v1.37.2
ETCD_VERSION=v3.7.3
SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
MODULES="$SCRIPT_DIR/../kube"
CACHE="${OPENENV_KUBE_CACHE:-$HOME/.cache/openenv-kube}/$KUBE_VERSION"
BIN="$CACHE/bin"
STATE="${OPENENV_KUBE_STATE:-/var/lib/openenv-kube}"   # etcd data, certs, kubelet root, containerd root
RUN="${OPENENV_KUBE_RUN:-/run/openenv-kube}"            # sockets, pid files, containerd state
LOGS="${OPENENV_KUBE_LOGS:-/tmp/openenv-kube-logs}"     # one log file per component
PAUSE_IMAGE=localhost/openenv-kube/pause:3.10
CTR_SOCK="$RUN/containerd/containerd.sock"
KUBECONFIG_FILE="$STATE/admin.kubeconfig"
APISERVER_PORT="${OPENENV_KUBE_APISERVER_PORT:-6443}"
ETCD_PORT=2379
ETCD_PEER_PORT=2380
# Pod and Service addresses: the benchmarking range (RFC 2544), blackholed on the host while the cluster is up,
# so nothing sent to a pod or Service IP can ever leave the machine (there is no pod network to carry it).
POD_RANGE=198.18          # pods get 198.18.x.y/32 on an interface inside their own network namespace
SERVICE_CIDR=198.19.0.0/24
BLACKHOLE=198.18.0.0/15

log() { echo "== kube-cluster: $*" >&2; }
die() { echo "kube-cluster: $*" >&2; exit 1; }

# --- build ----------------------------------------------------------------------------------------------
cmd_build() {
  local kube_bins=(kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl)
  local missing=0 b inputs
  # The cache is valid for the exact inputs: the modules in kube/ and this build code.
  inputs=$(build_inputs_hash)
  if [ "$(cat "$CACHE/inputs.sha256" 2>/dev/null)" != "$inputs" ]; then rm -rf "$BIN" "$CACHE/pause-image.tar"; fi
  for b in "${kube_bins[@]}" etcd pause; do [ -x "$BIN/$b" ] || missing=1; done
  [ -f "$CACHE/pause-image.tar" ] || missing=1
  if [ $missing = 0 ]; then log "binaries cached in $BIN"; return; fi
  command -v go >/dev/null || PATH="/usr/local/go/bin:$PATH"
  command -v go >/dev/null || die "the Go toolchain is needed to build the binaries"
  mkdir -p "$BIN"
  local t0 pkg=k8s.io/component-base/version cpkg=k8s.io/client-go/pkg/version ldflags="-s -w" f
  t0=$(date +%s)
  # The version a module build would report is v0.0.0-master: stamp the release, as upstream's hack/ does.
  for f in gitVersion=$KUBE_VERSION gitMajor=1 gitMinor=37 gitTreeState=clean buildDate=1970-01-01T00:00:00Z; do
    ldflags+=" -X $pkg.$f -X $cpkg.$f"
  done
  local need_kube=0
  for b in "${kube_bins[@]}"; do [ -x "$BIN/$b" ] || need_kube=1; done
  if [ $need_kube = 1 ]; then
    log "building ${kube_bins[*]} $KUBE_VERSION (one go build: shared packages compile once; 9-13 min on 2 cores)"
    # One invocation, -o a directory: every listed main package lands there under its own name.
    (cd "$MODULES/k8s" && CGO_ENABLED=0 go build -buildvcs=false -trimpath -ldflags "$ldflags" -o "$BIN/" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kubectl)
  fi
  if [ ! -x "$BIN/etcd" ]; then
    log "building etcd $ETCD_VERSION"
    (cd "$MODULES/etcd" && CGO_ENABLED=0 go build -buildvcs=false -trimpath -ldflags "-s -w" -o "$BIN/etcd" .)
  fi
  if [ ! -x "$BIN/pause" ] || [ ! -f "$CACHE/pause-image.tar" ]; then
    (cd "$MODULES/pause" && CGO_ENABLED=0 go build -buildvcs=false -trimpath -ldflags "-s -w" -o "$BIN/pause" .)
    make_pause_image "$BIN/pause" "$CACHE/pause-image.tar"
  fi
  echo "$inputs" > "$CACHE/inputs.sha256"
  log "built in $(( $(date +%s) - t0 )) s into $BIN"
}
build_inputs_hash() {
  { (cd "$MODULES" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    sed -n '/^cmd_build() {/,/^}/p; /^make_pause_image() {/,/^}/p' "${BASH_SOURCE[0]}"; } | sha256sum | cut -d' ' -f1
}

# A docker-archive tar (manifest.json + config + one layer) holding only /pause: no registry, no engine.
make_pause_image() {
  local pause=$1 out=$2 work layer_sha config_sha config
  work=$(mktemp -d)
  mkdir -p "$work/rootfs"
  cp "$pause" "$work/rootfs/pause"
  tar --numeric-owner --owner=0 --group=0 --mtime=@0 -C "$work/rootfs" -cf "$work/layer.tar" pause
  layer_sha=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
  config='{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/pause"],"User":"65535:65535"},'
  config+='"rootfs":{"type":"layers","diff_ids":["sha256:'$layer_sha'"]},"history":[{"created_by":"openenv-kube pause"}]}'
  printf '%s' "$config" > "$work/config.json"
  config_sha=$(sha256sum "$work/config.json" | cut -d' ' -f1)
  mkdir -p "$work/image"
  mv "$work/layer.tar" "$work/image/$layer_sha.tar"
  mv "$work/config.json" "$work/image/$config_sha.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s.tar"]}]' "$config_sha" "$PAUSE_IMAGE" "$layer_sha" \
    > "$work/image/manifest.json"
  tar --numeric-owner --owner=0 --group=0 --mtime=@0 -C "$work/image" -cf "$out.tmp" .
  mv "$out.tmp" "$out"
  rm -rf "$work"
}

# --- packages ---------------------------------------------------------------------------------------------
ensure_packages() {
  local need=()
  [ -x /usr/bin/containerd ] || need+=(containerd)
  [ -x /usr/lib/cni/loopback ] || need+=(containernetworking-plugins)
  command -v ip >/dev/null || need+=(iproute2)
  command -v runc >/dev/null || need+=(runc)
  command -v openssl >/dev/null || need+=(openssl)
  command -v findmnt >/dev/null || need+=(util-linux)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing system packages: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || { apt-get update -qq; apt-get install -y -qq "${need[@]}"; }
  fi
}

# --- certificates -----------------------------------------------------------------------------------------
# name, subject, extendedKeyUsage, optional subjectAltName; P-256 keys (fast), RSA for $RSA_KEY_NAME
RSA_KEY_NAME=admin   # the kubeconfig users' Java clients read: fabric8 reads PKCS#8 keys as RSA unless told otherwise
issue_cert() {
  local name=$1 subj=$2 eku=$3 san=${4:-} pki=$STATE/pki key=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1)
  [ "$name" != "$RSA_KEY_NAME" ] || key=(-newkey rsa:2048)
  openssl req -new "${key[@]}" -nodes -keyout "$pki/$name.key" -out "$pki/$name.csr" -subj "$subj" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature"
    echo "extendedKeyUsage=$eku"
    [ -z "$san" ] || echo "subjectAltName=$san"
  } > "$pki/$name.ext"
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -set_serial "0x$(openssl rand -hex 16)" \
    -days 30 -sha256 -extfile "$pki/$name.ext" -out "$pki/$name.crt" 2>/dev/null
  rm -f "$pki/$name.csr" "$pki/$name.ext"
}

kubeconfig() { # file, cert name
  cat > "$1" <<KC
apiVersion: v1
kind: Config
clusters:
- name: openenv-kube
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority: $STATE/pki/ca.crt
users:
- name: $2
  user:
    client-certificate: $STATE/pki/$2.crt
    client-key: $STATE/pki/$2.key
contexts:
- name: openenv-kube
  context: {cluster: openenv-kube, user: $2, namespace: default}
current-context: openenv-kube
KC
}

make_pki() {
  local pki=$STATE/pki
  mkdir -p "$pki"
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$pki/ca.key" -out "$pki/ca.crt" -days 30 \
    -subj "/CN=openenv-kube-ca" 2>/dev/null
  issue_cert apiserver "/CN=kube-apiserver" serverAuth \
    "IP:127.0.0.1,IP:198.19.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local" &
  issue_cert kubelet "/CN=localhost" serverAuth "IP:127.0.0.1,DNS:localhost" &
  issue_cert admin "/O=system:masters/CN=openenv-admin" clientAuth &
  issue_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth &
  issue_cert controller-manager "/CN=system:kube-controller-manager" clientAuth &
  issue_cert scheduler "/CN=system:kube-scheduler" clientAuth &
  issue_cert node "/O=system:nodes/CN=system:node:localhost" clientAuth &
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pki/sa.key" 2>/dev/null &&
    openssl pkey -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null &
  wait
  # (The certificates are made in parallel: a shared -CAcreateserial file once left some of them empty.)
  local f
  for f in apiserver kubelet admin apiserver-kubelet-client controller-manager scheduler node; do
    [ -s "$pki/$f.crt" ] && [ -s "$pki/$f.key" ] || die "making the certificate $pki/$f.crt failed"
  done
  [ -s "$pki/sa.pub" ] || die "making the service account key failed"
  chmod 600 "$pki"/*.key
  kubeconfig "$STATE/admin.kubeconfig" admin
  kubeconfig "$STATE/controller-manager.kubeconfig" controller-manager
  kubeconfig "$STATE/scheduler.kubeconfig" scheduler
  kubeconfig "$STATE/kubelet.kubeconfig" node
}

# A CNI plugin (spec 0.4.0) giving each pod namespace "lo" up and an eth0 that leads nowhere (the other end of its
# veth pair stays in the same namespace) with the next 198.18.x.y/32.
write_cni_plugin() {
  cat > "$1" <<PLUGIN
#!/bin/bash
# openenv-netns: written by kube-cluster.sh up. No traffic path: both ends of the veth are in the pod's namespace.
set -euo pipefail
cat >/dev/null   # the network configuration: nothing in it is needed
case "\$CNI_COMMAND" in
  VERSION) echo '{"cniVersion":"0.4.0","supportedVersions":["0.3.0","0.3.1","0.4.0"]}' ;;
  ADD)
    exec 9>"$STATE/cni-ipam.lock"
    flock 9
    n=\$(cat "$STATE/cni-ipam.next" 2>/dev/null || echo 2)
    echo \$(( n >= 65533 ? 2 : n + 1 )) > "$STATE/cni-ipam.next"
    ip="$POD_RANGE.\$(( n / 256 )).\$(( n % 256 ))"
    # A veth pair with both ends in the pod's namespace (these kernels have no dummy driver); no IPv6 chatter.
    nsenter --net="\$CNI_NETNS" sh -c "sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1;
      ip link set lo up && ip link add \$CNI_IFNAME type veth peer name \$CNI_IFNAME-end &&
      ip addr add \$ip/32 dev \$CNI_IFNAME && ip link set \$CNI_IFNAME-end up && ip link set \$CNI_IFNAME up" >&2
    printf '{"cniVersion":"0.4.0","interfaces":[{"name":"%s","sandbox":"%s"}],"ips":[{"version":"4","address":"%s/32","interface":0}],"dns":{}}\n' \
      "\$CNI_IFNAME" "\$CNI_NETNS" "\$ip" ;;
  *) ;;   # DEL, CHECK: the namespace and its veth go with the pod
esac
PLUGIN
  chmod 755 "$1"
}

# --- processes --------------------------------------------------------------------------------------------
start() { # name, command...
  local name=$1; shift
  # A session of its own (a Ctrl-C of the caller does not reach it); the pid file names the component
  # itself whether or not setsid had to fork.
  setsid bash -c 'echo $$ > "$0"; exec "$@"' "$RUN/pids/$name" "$@" >"$LOGS/$name.log" 2>&1 < /dev/null &
  disown $!   # a failed up kills it: no "Killed" job report from this shell
  local i
  for i in $(seq 50); do [ -s "$RUN/pids/$name" ] && return; sleep 0.02; done
  die "$name did not start"
}
alive() { local pid; pid=$(cat "$RUN/pids/$1" 2>/dev/null) && kill -0 "$pid" 2>/dev/null; }
# Waits up to $2 seconds for condition "$3..." while component $1 keeps running.
wait_for() {
  local name=$1 timeout=$2 deadline; shift 2
  deadline=$(( $(date +%s) + timeout ))
  until "$@" >/dev/null 2>&1; do
    if ! alive "$name"; then
      echo "kube-cluster: $name exited; last lines of $LOGS/$name.log:" >&2; tail -n 30 "$LOGS/$name.log" >&2; return 1
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "kube-cluster: timed out waiting for $name ($*); last lines of $LOGS/$name.log:" >&2
      tail -n 30 "$LOGS/$name.log" >&2; return 1
    fi
    sleep 0.2
  done
}
kctl() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }
ctr_() { ctr --address "$CTR_SOCK" "$@"; }
is_up() { [ -f "$RUN/up" ] && alive kube-apiserver; }

since() { echo "$(( ($(date +%s%N) - $1) / 1000000 )) ms"; }

# --- up ---------------------------------------------------------------------------------------------------
cmd_up() {
  if is_up; then log "already up (KUBECONFIG=$KUBECONFIG_FILE); run '$0 down' first to restart"; echo "KUBECONFIG=$KUBECONFIG_FILE"; return; fi
  [ "$(id -u)" = 0 ] || die "up needs root (containerd, kubelet)"
  cmd_build
  ensure_packages
  if [ -d "$RUN/pids" ] || [ -d "$STATE" ]; then log "cleaning a previous, incomplete cluster"; cmd_down >/dev/null; fi
  local t0; t0=$(date +%s%N)
  # A failed up leaves nothing running (OPENENV_KUBE_KEEP_FAILED=1 keeps it for a look); the logs stay.
  trap 'up_failed' EXIT
  mkdir -p "$STATE" "$RUN/pids" "$LOGS" "$STATE/cni" "$STATE/cni-bin" "$STATE/kubelet"
  rm -f "$LOGS"/*.log
  save_host_settings
  make_pki
  log "certificates: $(since "$t0")"

  start etcd "$BIN/etcd" --name openenv-kube --data-dir "$STATE/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "openenv-kube=http://127.0.0.1:$ETCD_PEER_PORT" --listen-metrics-urls "" \
    --unsafe-no-fsync --quota-backend-bytes 2147483648

  cat > "$STATE/containerd.toml" <<TOML
version = 2
root = "$STATE/containerd"
state = "$RUN/containerd"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper"]
[grpc]
  address = "$CTR_SOCK"
[ttrpc]
  address = "$RUN/containerd/containerd.sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$STATE/containerd-opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # The VM's root lacks CAP_SYS_RESOURCE for the pause container's oom_score_adj ("can't get final child's PID").
  restrict_oom_score_adj = true
  # Pod network namespaces are mounted under our state directory, not /run/netns (down unmounts them there).
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$STATE/cni-bin"
    conf_dir = "$STATE/cni"
TOML
  # No pod network: a pod's network namespace holds its loopback and an eth0 that leads nowhere (a veth whose
  # peer is in the same namespace, with a /32 address, which the kubelet and containerd need as the pod IP). Nothing is added to
  # the host's network namespace but the blackhole route. Reach pods by port-forward (or hostNetwork).
  write_cni_plugin "$STATE/cni-bin/openenv-netns"
  ln -sf /usr/lib/cni/loopback "$STATE/cni-bin/loopback"
  cat > "$STATE/cni/10-openenv-netns.conflist" <<CNI
{"cniVersion": "0.4.0", "name": "openenv-netns", "plugins": [{"type": "openenv-netns"}]}
CNI
  if ip route add blackhole "$BLACKHOLE" 2>/dev/null; then touch "$RUN/added-blackhole"; fi   # (or it is there)
  mkdir -p "$RUN/containerd"
  start containerd /usr/bin/containerd --config "$STATE/containerd.toml"

  start kube-apiserver "$BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$APISERVER_PORT" \
    --tls-cert-file "$STATE/pki/apiserver.crt" --tls-private-key-file "$STATE/pki/apiserver.key" \
    --client-ca-file "$STATE/pki/ca.crt" \
    --service-account-key-file "$STATE/pki/sa.pub" --service-account-signing-key-file "$STATE/pki/sa.key" \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-cluster-ip-range "$SERVICE_CIDR" --authorization-mode Node,RBAC --allow-privileged=true \
    --enable-admission-plugins NodeRestriction \
    --kubelet-client-certificate "$STATE/pki/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$STATE/pki/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$STATE/pki/ca.crt" --kubelet-preferred-address-types Hostname \
    --endpoint-reconciler-type none --profiling=false

  wait_for etcd 30 curl -sf "http://127.0.0.1:$ETCD_PORT/health"
  log "etcd ready: $(since "$t0")"
  wait_for kube-apiserver 60 kctl get --raw /readyz
  log "kube-apiserver ready: $(since "$t0")"

  start kube-controller-manager "$BIN/kube-controller-manager" \
    --kubeconfig "$STATE/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$STATE/controller-manager.kubeconfig" \
    --authorization-kubeconfig "$STATE/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file "$STATE/pki/sa.key" --root-ca-file "$STATE/pki/ca.crt" \
    --cluster-signing-cert-file "$STATE/pki/ca.crt" --cluster-signing-key-file "$STATE/pki/ca.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" --profiling=false \
    --flex-volume-plugin-dir "$STATE/volume-plugins" --kube-api-qps 200 --kube-api-burst 400
  start kube-scheduler "$BIN/kube-scheduler" \
    --kubeconfig "$STATE/scheduler.kubeconfig" \
    --authentication-kubeconfig "$STATE/scheduler.kubeconfig" \
    --authorization-kubeconfig "$STATE/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --profiling=false --kube-api-qps 200 --kube-api-burst 400

  wait_for containerd 30 ctr_ version
  ctr_ -n k8s.io images import "$CACHE/pause-image.tar" >/dev/null
  log "containerd ready, pause image imported: $(since "$t0")"

  cat > "$STATE/kubelet-config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
failCgroupV1: false              # these machines run cgroup v1
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$CTR_SOCK
address: 127.0.0.1
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
tlsCertFile: $STATE/pki/kubelet.crt
tlsPrivateKeyFile: $STATE/pki/kubelet.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $STATE/pki/ca.crt}
authorization: {mode: Webhook}
failSwapOn: false
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
imageGCHighThresholdPercent: 100  # never delete images loaded with 'load' (no registry to pull them again)
imageGCLowThresholdPercent: 99
evictionHard: {"memory.available": "50Mi", "nodefs.available": "1%", "imagefs.available": "1%", "nodefs.inodesFree": "1%"}
syncFrequency: 10s
nodeStatusUpdateFrequency: 4s
serializeImagePulls: false
podLogsDir: $STATE/pod-logs        # not /var/log/pods
volumePluginDir: $STATE/volume-plugins
YAML
  start kubelet "$BIN/kubelet" --config "$STATE/kubelet-config.yaml" --kubeconfig "$STATE/kubelet.kubeconfig" \
    --hostname-override localhost --root-dir "$STATE/kubelet" --v 1

  wait_for kubelet 60 node_ready
  log "node Ready: $(since "$t0")"
  wait_for kube-controller-manager 60 kctl get serviceaccount default -n default
  alive kube-scheduler || { tail -n 30 "$LOGS/kube-scheduler.log" >&2; die "kube-scheduler exited"; }
  touch "$RUN/up"
  trap - EXIT
  log "up in $(since "$t0"); logs in $LOGS"
  echo "KUBECONFIG=$KUBECONFIG_FILE"
}
up_failed() {
  log "up FAILED; component logs in $LOGS"
  if [ "${OPENENV_KUBE_KEEP_FAILED:-}" = 1 ]; then log "kept running (OPENENV_KUBE_KEEP_FAILED=1): run '$0 down' when done"
  else cmd_down; fi
}
node_ready() {
  [ "$(kctl get node localhost -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}

# --- load -------------------------------------------------------------------------------------------------
cmd_load() {
  local tar=${1:-}
  [ -f "$tar" ] || die "usage: $0 load IMAGE_TAR (an OCI or docker-archive tar)"
  is_up || die "the cluster is not up"
  ctr_ -n k8s.io images import --all-platforms "$tar"
}

# The kubelet sets kernel tunables (vm.overcommit_memory=1, kernel.panic_on_oops=1, ...) and adds iptables
# canary chains: remember the host's values and chains so that down puts them back.
TUNABLES="vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes"
kube_chains() {
  local cmd table
  for cmd in iptables ip6tables; do
    command -v $cmd >/dev/null || continue
    for table in filter nat mangle; do
      $cmd -t $table -S 2>/dev/null | awk -v c=$cmd -v t=$table '$1 == "-N" && $2 ~ /^KUBE-/ {print c, t, $2}'
    done
  done
}
save_host_settings() {
  local k
  for k in $TUNABLES; do echo "$k=$(sysctl -n "$k")"; done > "$RUN/host-sysctl"
  kube_chains > "$RUN/host-chains"
  # Paths the kubelet uses whatever its configuration says; removed by down if they did not exist before.
  local d
  for d in /var/lib/kubelet /usr/libexec/kubernetes /var/log/containers; do [ -e "$d" ] || echo "$d"; done > "$RUN/host-new-dirs"
}
restore_host_settings() {
  local kv cmd table chain
  if [ -f "$RUN/host-sysctl" ]; then
    while read -r kv; do sysctl -q -w "$kv" >/dev/null 2>&1 || true; done < "$RUN/host-sysctl"
  fi
  if [ -f "$RUN/host-chains" ]; then
    kube_chains | while read -r cmd table chain; do
      grep -qxF "$cmd $table $chain" "$RUN/host-chains" && continue
      # Jumps to it first (the kubelet's KUBE-FIREWALL is hooked into INPUT and OUTPUT).
      $cmd -t "$table" -S | awk -v c="$chain" '$1 == "-A" && $2 != c && / -j / { for (i = 1; i < NF; i++) if ($i == "-j" && $(i+1) == c) { print; next } }' |
        while read -r rule; do eval "$cmd -t $table ${rule/#-A/-D}" 2>/dev/null || true; done
      $cmd -t "$table" -F "$chain" 2>/dev/null || true
      $cmd -t "$table" -X "$chain" 2>/dev/null || true
    done
  fi
  # The kubelet's links to container logs (in our state directory), and the directories it made.
  [ ! -d /var/log/containers ] || find /var/log/containers -maxdepth 1 -lname "$STATE/*" -delete
  if [ -f "$RUN/host-new-dirs" ]; then
    while read -r d; do rm -rf "$d"; done < "$RUN/host-new-dirs"
  fi
}

# --- down -------------------------------------------------------------------------------------------------
# SIGKILL, then wait (up to 3 s) until they are gone: the state is deleted anyway, so nothing needs a
# graceful stop (SIGTERM cost 1.3 s for the kubelet and 1.4 s for the rest).
kill_components() {
  local name pid pids=() i
  for name in "$@"; do
    pid=$(cat "$RUN/pids/$name" 2>/dev/null) || continue
    kill -KILL "$pid" 2>/dev/null && pids+=("$pid")
    rm -f "$RUN/pids/$name"
  done
  for i in $(seq 30); do
    any_alive "${pids[@]}" || return 0
    sleep 0.1
  done
}
# A killed component stays a zombie until PID 1 reaps it (up to ~2 s on these machines): that is gone too.
any_alive() {
  local pid state
  for pid in "$@"; do
    state=$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null) || continue
    [ "$state" = Z ] || return 0
  done
  return 1
}
# containerd-shim-runc-v2 ... -address $CTR_SOCK (read in-shell: a grep for the path would match itself).
shim_pids() {
  local p args
  for p in /proc/[0-9]*; do
    mapfile -d '' args < "$p/cmdline" 2>/dev/null || continue
    [[ "${args[0]:-}" == *containerd-shim* && " ${args[*]} " == *" -address $CTR_SOCK "* ]] && echo "${p#/proc/}"
  done
  return 0
}
cmd_down() {
  local pid id mp
  rm -f "$RUN/up"
  # The kubelet first, so it does not restart what is being removed; then every pod's containers.
  kill_components kubelet
  if alive containerd; then
    for id in $(ctr_ -n k8s.io tasks list -q 2>/dev/null); do ctr_ -n k8s.io tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
    sleep 0.3
    for id in $(ctr_ -n k8s.io tasks list -q 2>/dev/null); do ctr_ -n k8s.io tasks delete -f "$id" >/dev/null 2>&1 || true; done
    for id in $(ctr_ -n k8s.io containers list -q 2>/dev/null); do ctr_ -n k8s.io containers delete "$id" >/dev/null 2>&1 || true; done
  fi
  kill_components kube-scheduler kube-controller-manager kube-apiserver containerd etcd
  # Shims this cluster's containerd started (they outlive it): matched by our socket path, never by name.
  for pid in $(shim_pids); do kill -KILL "$pid" 2>/dev/null || true; done
  # Containers whose shim died first: whatever is left in the kubelet's pod cgroups.
  for pid in $(cat /sys/fs/cgroup/*/kubepods/cgroup.procs /sys/fs/cgroup/*/kubepods/*/cgroup.procs \
      /sys/fs/cgroup/*/kubepods/*/*/cgroup.procs /sys/fs/cgroup/*/kubepods/*/*/*/cgroup.procs 2>/dev/null | sort -u); do
    kill -KILL "$pid" 2>/dev/null || true
  done
  sleep 0.2
  find /sys/fs/cgroup/*/kubepods -depth -type d -exec rmdir {} + 2>/dev/null || true
  # Mounts the kubelet (volumes) and containerd (rootfs, shm) made under the state directories.
  for mp in $(findmnt -rn -o TARGET | grep -E "^($STATE|$RUN)(/|$)" | sort -r); do
    umount "$mp" 2>/dev/null || umount -l "$mp" 2>/dev/null || true
  done
  restore_host_settings
  [ ! -f "$RUN/added-blackhole" ] || ip route del blackhole "$BLACKHOLE" 2>/dev/null || true
  rm -rf "$STATE" "$RUN"
  log "down (binary cache kept in $CACHE; logs in $LOGS)"
}

# --- status, env ------------------------------------------------------------------------------------------
cmd_status() {
  local name
  if is_up; then echo "up: KUBECONFIG=$KUBECONFIG_FILE, logs in $LOGS"; else echo "down"; fi
  for name in etcd containerd kube-apiserver kube-controller-manager kube-scheduler kubelet; do
    if alive "$name"; then echo "  $name: running (pid $(cat "$RUN/pids/$name"))"
    elif [ -f "$RUN/pids/$name" ]; then echo "  $name: EXITED (see $LOGS/$name.log)"; fi
  done
  if is_up; then kctl get nodes -o wide; fi
  is_up
}
cmd_env() {
  echo "export KUBECONFIG=$KUBECONFIG_FILE"
  echo "export PATH=$BIN:\$PATH"
  echo "export OPENENV_KUBE_LOGS=$LOGS"
}

case "${1:-}" in
  build) cmd_build ;;
  up) cmd_up ;;
  down) cmd_down ;;
  shim-pids) shim_pids ;;
  load) shift; cmd_load "$@" ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
esac
