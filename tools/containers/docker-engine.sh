#!/usr/bin/env bash
# Makes sure this machine has a running Docker engine and the buildx plugin.
#
#   tools/containers/docker-engine.sh
#
# - Docker already answers (`docker info`): the engine is left alone.
# - Otherwise, as root on Debian/Ubuntu: installs Debian's `docker.io` with apt and starts
#   `dockerd` in the background (systemd when it runs, else a detached process logging to
#   $DOCKERD_LOG, default /tmp/dockerd.log), then waits for its socket.
# - buildx missing: fetches Debian 13 (trixie)'s `docker-buildx` package with a private apt
#   sources list and private apt state under .tools/ (the system's apt sources are never
#   touched), unpacks it with `dpkg -x` and installs the binary as
#   ${DOCKER_CONFIG:-~/.docker}/cli-plugins/docker-buildx.
#
# Safe to run again: every step is skipped when already done. Non-root users get told what to
# install themselves instead.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly TOOLS_DIR="${ROOT}/.tools/docker"
readonly DOCKERD_LOG="${DOCKERD_LOG:-/tmp/dockerd.log}"
readonly DOCKERD_TIMEOUT="${DOCKERD_TIMEOUT:-60}"
readonly DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
readonly BUILDX_SUITE="${BUILDX_SUITE:-trixie}"
readonly PLUGIN_DIR="${DOCKER_CONFIG:-${HOME}/.docker}/cli-plugins"

say() { printf 'docker-engine: %s\n' "$*"; }
fail() { printf 'docker-engine: error: %s\n' "$*" >&2; exit 1; }

is_root() { [[ "$(id -u)" -eq 0 ]]; }
engine_up() { docker info >/dev/null 2>&1; }
buildx_ok() { docker buildx version >/dev/null 2>&1; }

install_yourself() {
  cat >&2 <<'EOF'
docker-engine: this script installs Docker only as root on Debian or Ubuntu.
  Install Docker Engine (with the buildx plugin) for your system instead:
    https://docs.docker.com/engine/install/  (or Docker Desktop / Colima / OrbStack)
  then make sure `docker info` and `docker buildx version` work for your user
  (Linux: add yourself to the `docker` group, log in again) and run this script again.
EOF
  exit 1
}

# --- 1. The engine -----------------------------------------------------------------------

dockerd_pid() {
  local pid
  pid="$(cat /var/run/docker.pid 2>/dev/null || true)"
  if [[ -n "${pid}" ]] && kill -0 "${pid}" 2>/dev/null; then printf '%s' "${pid}"; fi
}

wait_for_engine() {
  local waited=0
  say "waiting up to ${DOCKERD_TIMEOUT}s for the Docker socket"
  until engine_up; do
    if (( waited >= DOCKERD_TIMEOUT )); then
      [[ -f "${DOCKERD_LOG}" ]] && { say "last lines of ${DOCKERD_LOG}:"; tail -n 20 "${DOCKERD_LOG}" >&2; }
      fail "Docker did not answer within ${DOCKERD_TIMEOUT}s."
    fi
    sleep 1
    waited=$((waited + 1))
  done
}

install_engine() {
  export DEBIAN_FRONTEND=noninteractive
  say "installing Debian's docker.io (apt-get)"
  apt-get update -qq
  # Recommends skipped on purpose (needrestart, git, apparmor are not needed to build images).
  apt-get install -y -qq --no-install-recommends docker.io ca-certificates xz-utils >/dev/null
}

start_engine() {
  if [[ -n "$(dockerd_pid)" ]]; then
    say "dockerd is already running (pid $(dockerd_pid))"
  elif [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
    say "starting docker with systemctl"
    systemctl start docker
  else
    say "starting dockerd in the background (log: ${DOCKERD_LOG})"
    # setsid: the daemon must outlive this script and the shell (or CI step) that ran it.
    setsid -f dockerd >>"${DOCKERD_LOG}" 2>&1 </dev/null
  fi
  wait_for_engine
}

if engine_up; then
  say "the Docker engine already answers; leaving it alone"
else
  is_root || install_yourself
  command -v apt-get >/dev/null 2>&1 || fail "no apt-get here; install Docker Engine for your system (https://docs.docker.com/engine/install/)."
  command -v dockerd >/dev/null 2>&1 || install_engine
  start_engine
fi
say "docker client in use: $(command -v docker)"
docker version --format 'docker-engine: client {{.Client.Version}} (API {{.Client.APIVersion}}), server {{.Server.Version}} (API {{.Server.APIVersion}})'

# --- 2. buildx ---------------------------------------------------------------------------

fetch_buildx() {
  local apt_dir="${TOOLS_DIR}/apt-${BUILDX_SUITE}" unpack="${TOOLS_DIR}/buildx-unpacked"
  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg >/dev/null 2>&1; then
    fail "docker buildx is missing and this is not a Debian system; install the buildx plugin (https://docs.docker.com/build/install-buildx/)."
  fi
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [[ -f "${keyring}" ]] || fail "${keyring} is missing; install the debian-archive-keyring package."

  say "fetching docker-buildx from Debian ${BUILDX_SUITE} (private apt state: ${apt_dir})"
  mkdir -p "${apt_dir}/lists/partial" "${apt_dir}/cache/archives/partial" "${apt_dir}/sources.list.d" "${apt_dir}/debs"
  printf 'deb [signed-by=%s] %s %s main\n' "${keyring}" "${DEBIAN_MIRROR}" "${BUILDX_SUITE}" >"${apt_dir}/sources.list"
  # Only the private list, private package lists and caches: the system's apt is untouched.
  local -a apt_opts=(
    -o "Dir::Etc::SourceList=${apt_dir}/sources.list"
    -o "Dir::Etc::SourceParts=${apt_dir}/sources.list.d"
    -o "Dir::State::Lists=${apt_dir}/lists"
    -o "Dir::Cache=${apt_dir}/cache"
    -o "APT::Sandbox::User=$(id -un)"
    -o "Acquire::Languages=none"
  )
  apt-get "${apt_opts[@]}" -qq update
  rm -f "${apt_dir}"/debs/docker-buildx_*.deb
  (cd "${apt_dir}/debs" && apt-get "${apt_opts[@]}" -qq download docker-buildx)
  local deb
  deb="$(find "${apt_dir}/debs" -maxdepth 1 -name 'docker-buildx_*.deb' | head -n 1)"
  [[ -n "${deb}" ]] || fail "apt-get download docker-buildx produced no package."
  say "unpacking $(basename "${deb}")"
  rm -rf "${unpack}"
  dpkg -x "${deb}" "${unpack}"
  local bin
  bin="$(find "${unpack}" -type f -name docker-buildx -perm -u+x | head -n 1)"
  [[ -n "${bin}" ]] || fail "no docker-buildx binary inside ${deb}."
  mkdir -p "${PLUGIN_DIR}"
  install -m 0755 "${bin}" "${PLUGIN_DIR}/docker-buildx"
  rm -rf "${unpack}" "${apt_dir}"
  say "installed ${PLUGIN_DIR}/docker-buildx"
}

if buildx_ok; then
  say "buildx already works with $(command -v docker)"
else
  fetch_buildx
  buildx_ok || fail "docker buildx still does not run with $(command -v docker); see: docker buildx version"
fi
say "$(docker buildx version)"

# The machine may have two clients (a newer one earlier on PATH, Debian's in /usr/bin); the
# plugin directory is shared by both, so check the other one too, without failing on it.
if [[ -x /usr/bin/docker && "$(command -v docker)" != /usr/bin/docker ]]; then
  if /usr/bin/docker buildx version >/dev/null 2>&1; then
    say "/usr/bin/docker finds buildx too"
  else
    say "note: /usr/bin/docker does not find buildx (only $(command -v docker) was checked)"
  fi
fi
say "ready"
