#!/usr/bin/env bash
# Creates (or reuses) the interop venv with the pinned reference package and test tools.
# Usage: setup-venv.sh PYTHON VENV_DIR [REQUIREMENTS_FILE]
set -euo pipefail
python=${1:-python3}
venv=${2:-target/venv}
here=$(cd "$(dirname "$0")/.." && pwd)
req="$here/${3:-requirements.txt}"
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "interop venv up to date: $venv"
  exit 0
fi
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
echo "$want" > "$stamp"
"$venv/bin/python" -m pip list --disable-pip-version-check 2>/dev/null | grep -i -E '^(openenv|fastapi|websockets|pytest) ' || true
