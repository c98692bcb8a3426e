#!/usr/bin/env bash
# Proves the library is publishable and usable the way an outside project uses it:
#   1. a copy of this checkout gets a release version (versions:set, default: the pom's version without
#      -SNAPSHOT), and every published artifact is deployed, with its sources and javadoc jars (profile
#      publish), to a file-system repository;
#   2. the examples/ projects (each a standalone Maven project importing openenv-bom) are copied out of the
#      tree and built and tested against that repository only: a fresh local repository, and as a read-only
#      cache of third-party jars (maven.repo.local.tail) a view of ~/.m2 with dev/openenv left out, so none
#      of our artifacts can come from anywhere but the file repository (checked afterwards).
# Usage: scripts/publish-check.sh [VERSION]      KEEP=1 keeps the work directory.
# Needs: a JDK >= 21 (scripts/find-jdk), Maven Central for third-party dependencies and plugins.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
JAVA_HOME=$(scripts/find-jdk)
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
mvn=("$root/mvnw" -B -ntp)
ms() { echo $(( $(date +%s%N) / 1000000 )); }
step() { echo "== publish-check: $*"; }
fail() { echo "publish-check: FAILED: $*" >&2; exit 1; }
results=()

pom_version() {   # the <version> of the pom at $1 that follows its own artifactId (not the parent's)
  python3 - "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
root = ET.parse(sys.argv[1]).getroot()
v = root.find("m:version", ns)
print(v.text if v is not None else root.find("m:parent/m:version", ns).text)
EOF
}
example_version() {   # the openenv.version property of an example's pom
  python3 - "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
print(ET.parse(sys.argv[1]).getroot().find("m:properties/m:openenv.version", ns).text)
EOF
}

snapshot=$(pom_version pom.xml)
version=${1:-${snapshot%-SNAPSHOT}}
published=(openenv-core openenv-server openenv-client openenv-sandbox openenv-envs openenv-runtime openenv-cli)

step "versions agree: parent $snapshot, openenv-bom, examples' openenv.version"
[ "$(pom_version openenv-bom/pom.xml)" = "$snapshot" ] || fail "openenv-bom/pom.xml has $(pom_version openenv-bom/pom.xml), the parent $snapshot"
for p in examples/*/pom.xml; do
  [ "$(example_version "$p")" = "$snapshot" ] || fail "$p: openenv.version $(example_version "$p") is not the project's $snapshot"
done

# The README's "Use it from your build" lines name the release this snapshot becomes.
grep -q "dev.openenv:openenv-bom:${snapshot%-SNAPSHOT}\"" README.md && grep -q "<version>${snapshot%-SNAPSHOT}</version>" README.md \
  || fail "README.md's Maven/Gradle lines do not name version ${snapshot%-SNAPSHOT}"

work=$(mktemp -d /tmp/publish-check.XXXXXX)
cleanup() { if [ "${KEEP:-}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT
repo="$work/repo"

step "copy of the checkout at version $version ($work/src)"
mkdir -p "$work/src"
tar -C "$root" --exclude=./.git --exclude=target --exclude=.venv -cf - . | tar -C "$work/src" -xf -
t=$(ms)
(cd "$work/src" && "${mvn[@]}" -q versions:set -DnewVersion="$version" -DprocessAllModules=true -DgenerateBackupPoms=false)
[ "$(pom_version "$work/src/openenv-bom/pom.xml")" = "$version" ] || fail "versions:set left openenv-bom at $(pom_version "$work/src/openenv-bom/pom.xml")"
results+=("versions:set $version: $(( $(ms) - t )) ms")

step "deploy (-DskipTests -Ppublish) to file://$repo"
t=$(ms)
modules=$(IFS=,; echo "openenv-bom,${published[*]}")
(cd "$work/src" && "${mvn[@]}" -q -DskipTests -Ppublish -pl "$modules" -am deploy \
  -DaltDeploymentRepository="publish-check::file://$repo")
results+=("deploy of parent, bom and ${#published[@]} modules with sources+javadoc: $(( $(ms) - t )) ms")

base="$repo/dev/openenv"
[ -f "$base/openenv-parent/$version/openenv-parent-$version.pom" ] || fail "openenv-parent $version not deployed"
[ -f "$base/openenv-bom/$version/openenv-bom-$version.pom" ] || fail "openenv-bom $version not deployed"
for a in "${published[@]}"; do
  for suffix in .pom .jar -sources.jar -javadoc.jar; do
    [ -f "$base/$a/$version/$a-$version$suffix" ] || fail "missing $a-$version$suffix"
  done
  grep -q '<licenses>' "$base/$a/$version/$a-$version.pom" || grep -q '<parent>' "$base/$a/$version/$a-$version.pom" \
    || fail "$a's pom has neither licenses nor a parent"
done
for a in openenv-bench openenv-interop; do
  [ ! -e "$base/$a" ] || fail "$a is not a published artifact but was deployed"
done
grep -q '<name>BSD-3-Clause</name>' "$base/openenv-parent/$version/openenv-parent-$version.pom" || fail "parent pom has no licence"
grep -q 'helidon\|tools.jackson\|junit' "$base/openenv-bom/$version/openenv-bom-$version.pom" && fail "openenv-bom manages third-party artifacts"
echo "   deployed: $(cd "$base" && ls | tr '\n' ' ')"

step "the examples, built as an outside project against file://$repo only"
# A read-only view of ~/.m2 for third-party jars, without our own artifacts (a developer's
# ~/.m2 may well hold dev.openenv snapshots or an earlier deploy).
tail="$work/m2-tail"
mkdir -p "$tail/dev"
if [ -d "$HOME/.m2/repository" ]; then
  for d in "$HOME"/.m2/repository/*; do [ "$(basename "$d")" = dev ] || ln -s "$d" "$tail/"; done
  for d in "$HOME"/.m2/repository/dev/*; do
    [ -e "$d" ] && [ "$(basename "$d")" != openenv ] && ln -s "$d" "$tail/dev/"
  done
fi
cat > "$work/settings.xml" <<EOF
<settings>
  <profiles><profile><id>publish-check</id>
    <repositories><repository><id>publish-check</id><url>file://$repo</url>
      <releases><enabled>true</enabled></releases><snapshots><enabled>true</enabled></snapshots></repository></repositories>
  </profile></profiles>
  <activeProfiles><activeProfile>publish-check</activeProfile></activeProfiles>
</settings>
EOF
cp -r "$work/src/examples" "$work/consumer"
rm -rf "$work/consumer"/*/target
t=$(ms)
(cd "$work/consumer" && "${mvn[@]}" -s "$work/settings.xml" -Dmaven.repo.local="$work/m2" \
  -Dmaven.repo.local.tail="$tail" -Dopenenv.version="$version" verify) > "$work/consumer.log" 2>&1 \
  || { tail -80 "$work/consumer.log"; fail "the examples did not build against the deployed artifacts (log: $work/consumer.log)"; }
grep -E 'Tests run:.*Fail' "$work/consumer.log" | grep -v ' -- in ' || true
results+=("examples: mvn verify (compile + tests) against the file repository: $(( $(ms) - t )) ms")

for a in openenv-bom openenv-server openenv-client openenv-envs; do
  origin="$work/m2/dev/openenv/$a/$version/_remote.repositories"
  [ -f "$origin" ] || fail "$a $version was not resolved into the fresh local repository"
  grep -q '>publish-check=' "$origin" || fail "$a came from somewhere else: $(cat "$origin")"
done

echo "== publish-check: all steps passed"
printf '   %s\n' "${results[@]}"
