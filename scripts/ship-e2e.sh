#!/usr/bin/env bash
# End to end, from nothing to a pushed image, the way a user ships an environment:
#   openenv init demo -> mvn verify (against this checkout's artifacts in a throwaway file repository)
#   -> openenv build (Jib, no daemon) -> podman run -> openenv validate --url, ours and upstream 0.10's
#   -> upstream's push structure check -> upstream EnvClient.from_docker_image (docker = podman-docker)
# SHIP_E2E_UPSTREAM=1 also builds an upstream 'openenv init' environment here and times both images' starts.
#   -> openenv push to a local registry (Debian's docker-registry) -> pull and run that image again.
# Prints the measurements (build time, image size, container start -> first reset) at the end.
# Needs: root, podman (+ runc, podman-docker), docker-registry, python3, the base image (openenv-runtime/scripts/container-base-image.sh).
# Leaves ~/.m2 alone: the generated project resolves from a file repository, its local repository is
# throwaway, and the shared one is only read (maven.repo.local.tail).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
JAVA_HOME=$(scripts/find-jdk)
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
work=$(mktemp -d /tmp/ship-e2e.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
reg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
tag="e2e-$$"
image="localhost/ship-demo:$tag"
pushed="localhost:$reg_port/ship-demo:$tag"
containers=()
registry_pid=
cleanup() {
  for c in "${containers[@]}"; do podman rm -f "$c" >/dev/null 2>&1 || true; done
  podman rmi -f "$image" "$pushed" >/dev/null 2>&1 || true
  [ -n "$registry_pid" ] && kill "$registry_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
ms() { echo $(( $(date +%s%N) / 1000000 )); }
step() { echo "== $*"; }
results=()

step "the CLI and this checkout's artifacts (file repository $work/repo)"
./mvnw -B -ntp -q -DskipTests -DskipInterop -pl openenv-cli -am package
./mvnw -B -ntp -q -DskipTests -DskipInterop -pl openenv-core,openenv-server,openenv-client -am deploy \
  -DaltDeploymentRepository="e2e::file://$work/repo"
openenv=(java -jar "$root/openenv-cli/target/openenv.jar")
cat > "$work/settings.xml" <<EOF
<settings><profiles><profile><id>e2e</id><repositories><repository><id>e2e</id><url>file://$work/repo</url>
<snapshots><enabled>true</enabled></snapshots></repository></repositories></profile></profiles>
<activeProfiles><activeProfile>e2e</activeProfile></activeProfiles></settings>
EOF

step "openenv init demo"
(cd "$work" && "${openenv[@]}" init demo)
demo="$work/demo"
"${openenv[@]}" validate "$demo"

step "mvn verify of the generated project"
t=$(ms)
(cd "$demo" && "$root/mvnw" -B -ntp -q -s "$work/settings.xml" -Dmaven.repo.local="$work/m2" \
  -Dmaven.repo.local.tail="$HOME/.m2/repository" verify)
results+=("generated project mvn verify: $(( $(ms) - t )) ms")

step "openenv build (Jib -> podman load)"
t=$(ms)
"${openenv[@]}" build "$demo" --tag "$image"
results+=("openenv build (incl. AOT training unless cached): $(( $(ms) - t )) ms")
size=$(podman image inspect "$image" --format '{{.Size}}')
results+=("image size: $(( size / 1000000 )) MB (base localhost/debian:bookworm $(( $(podman image inspect localhost/debian:bookworm --format '{{.Size}}') / 1000000 )) MB)")

run_and_time() {   # NAME IMAGE PORT: runs the image, prints ms from 'podman run' to the first answered reset
  local name=$1 img=$2 p=$3 t0 deadline
  podman rm -f "$name" >/dev/null 2>&1 || true
  containers+=("$name")
  t0=$(ms)
  podman run -d --name "$name" -p "127.0.0.1:$p:8000" -e MAX_CONCURRENT_ENVS=2 "$img" >/dev/null
  deadline=$(( t0 + 60000 ))
  until curl -sf -X POST "http://127.0.0.1:$p/reset" -H 'content-type: application/json' -d '{}' >/dev/null 2>&1; do
    [ "$(ms)" -lt "$deadline" ] || { podman logs "$name"; echo "no reset answered within 60 s"; return 1; }
    sleep 0.02
  done
  echo $(( $(ms) - t0 ))
}

step "podman run $image"
first=$(run_and_time ship-e2e-$$ "$image" "$port")
results+=("container start -> first reset answered: $first ms")
[ "$(podman exec ship-e2e-$$ id -u)" != 0 ] || { echo "the container runs as root"; exit 1; }

if [ "${SHIP_E2E_UPSTREAM:-0}" = 1 ]; then
  step "side by side: an upstream 'openenv init' environment, built here (SHIP_E2E_UPSTREAM=1)"
  # Upstream's Dockerfile wants ghcr.io/huggingface/openenv-base, which cannot be pulled here: a stand-in with
  # Debian's Python, curl, git and uv (from PyPI), on the same Debian base as ours.
  venv_up="$root/interop/target/venv"; [ -x "$venv_up/bin/openenv" ] || { venv_up="$work/venv"; interop/scripts/setup-venv.sh python3 "$venv_up" >/dev/null; }
  mkdir -p "$work/pybase" && cp /etc/ssl/certs/ca-certificates.crt "$work/pybase/"
  cat > "$work/pybase/Containerfile" <<'EOF2'
FROM localhost/debian:bookworm
COPY ca-certificates.crt /etc/ssl/certs/host-ca.crt
ENV SSL_CERT_FILE=/etc/ssl/certs/host-ca.crt PIP_CERT=/etc/ssl/certs/host-ca.crt UV_NATIVE_TLS=1
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv python3-pip curl git ca-certificates \
    && rm -rf /var/lib/apt/lists/* && pip3 install --break-system-packages --no-cache-dir uv
EOF2
  podman image exists localhost/openenv-py-base:bookworm || podman build -q -t localhost/openenv-py-base:bookworm "$work/pybase" >/dev/null
  (cd "$work" && "$venv_up/bin/openenv" init demo_py >/dev/null)
  sed -i 's/"openenv>=[^"]*"/"openenv==0.10.0"/' "$work/demo_py/pyproject.toml"
  t=$(ms)
  podman build -q --build-arg BASE_IMAGE=localhost/openenv-py-base:bookworm --build-arg BUILD_MODE=standalone \
    -f "$work/demo_py/server/Dockerfile" -t "localhost/upstream-demo:$tag" "$work/demo_py" >/dev/null 2>&1
  results+=("upstream: podman build of its template (PyPI downloads included): $(( $(ms) - t )) ms")
  results+=("upstream: image size: $(( $(podman image inspect "localhost/upstream-demo:$tag" --format '{{.Size}}') / 1000000 )) MB")
  ours_ms=(); theirs_ms=()
  port2=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  for i in 1 2 3; do
    ours_ms+=("$(run_and_time ship-e2e-ours-$$-$i "$image" "$port2")"); podman rm -f ship-e2e-ours-$$-$i >/dev/null
    theirs_ms+=("$(run_and_time ship-e2e-up-$$-$i "localhost/upstream-demo:$tag" "$port2")"); podman rm -f ship-e2e-up-$$-$i >/dev/null
  done
  results+=("container start -> first reset, alternating: ours ${ours_ms[*]} ms; upstream ${theirs_ms[*]} ms")
  results+=("engine floor: podman run --rm of the bare base image running 'true': $( t=$(ms); podman run --rm localhost/debian:bookworm true; echo $(( $(ms) - t )) ) ms")
  podman rmi -f "localhost/upstream-demo:$tag" >/dev/null 2>&1 || true
fi

step "openenv validate --url (ours)"
"${openenv[@]}" validate --url "http://127.0.0.1:$port"

step "openenv validate --url (upstream openenv 0.10.0)"
venv="$root/interop/target/venv"
if [ ! -x "$venv/bin/openenv" ]; then
  venv="$work/venv"
  interop/scripts/setup-venv.sh python3 "$venv" >/dev/null
fi
"$venv/bin/openenv" validate --url "http://127.0.0.1:$port"
(cd "$demo" && "$venv/bin/openenv" validate . --level static --skip-build)
# What upstream's 'openenv push' checks before it uploads (it cannot upload here: no Hugging Face Hub).
"$venv/bin/python" -c 'import sys; from pathlib import Path; from openenv.cli.commands.push import _validate_openenv_directory as check; print("upstream push structure check: ok,", check(Path(sys.argv[1]))[0])' "$demo"
podman rm -f ship-e2e-$$ >/dev/null

step "upstream EnvClient.from_docker_image (its LocalDockerProvider runs 'docker': podman-docker's shim)"
t=$(ms)
PATH="/usr/bin:$PATH" "$venv/bin/python" - "$image" <<'PY'
import sys
from openenv.core import GenericEnvClient
with GenericEnvClient.from_docker_image(sys.argv[1]).sync() as env:
    assert env.reset().done is False
    result = env.step({"guess": 50})
    print("from_docker_image played an episode:", result.observation)
PY
results+=("upstream from_docker_image -> episode played -> container removed: $(( $(ms) - t )) ms")
[ -z "$(podman ps -aq --filter ancestor="$image")" ] || { echo "from_docker_image left a container behind"; podman ps -a; exit 1; }

step "openenv push to a local registry (docker-registry on 127.0.0.1:$reg_port)"
mkdir -p "$work/registry"
cat > "$work/registry/config.yml" <<EOF
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $work/registry/data}}
http: {addr: 127.0.0.1:$reg_port}
EOF
docker-registry serve "$work/registry/config.yml" >"$work/registry/log" 2>&1 &
registry_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$reg_port/v2/" >/dev/null && break; sleep 0.1; done
t=$(ms)
"${openenv[@]}" push "$demo" --registry "$pushed"
results+=("openenv push (AOT cache reused): $(( $(ms) - t )) ms")

step "pull and run the pushed image"
t=$(ms)
podman pull -q --tls-verify=false "$pushed" >/dev/null
results+=("podman pull: $(( $(ms) - t )) ms")
second=$(run_and_time ship-e2e-pulled-$$ "$pushed" "$port")
results+=("pulled image: container start -> first reset answered: $second ms")
"${openenv[@]}" validate --url "http://127.0.0.1:$port" >/dev/null

echo "== ship-e2e: all steps passed"
printf '   %s\n' "${results[@]}"
