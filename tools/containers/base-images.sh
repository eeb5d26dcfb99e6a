#!/usr/bin/env bash
# Builds local stand-ins for the official base images, for machines (CI) that cannot pull
# from a container registry:
#
#   todo-base/debian:bookworm            debootstrap'ed minimal Debian 12 (minbase)
#   todo-base/python:3.11-slim-bookworm  this machine's CPython 3.11, laid out like python:3.11-slim
#   todo-base/node:20-bookworm-slim      this machine's Node.js 20 + npm, laid out like node:20-bookworm-slim
#   todo-base/postgres:15-bookworm       Debian 12's PostgreSQL 15 with an official-style entrypoint
#
#   tools/containers/base-images.sh [--rebuild] [--refresh-rootfs] [--verify] [debian|python|node|postgres ...]
#
#   --rebuild         build the selected images even when they exist (default: skip them)
#   --refresh-rootfs  debootstrap the Debian root again instead of using the cached tarball
#   --verify          also check images that already existed
#
# The Debian root is cached as .tools/containers/debian-bookworm-minbase.tar (git-ignored) so
# that reruns are fast. The Python and Node images carry this machine's CA bundle so that
# builds in CI reach PyPI and npm through its network: they are for CI only, never for release.
# Needs a running Docker engine (tools/containers/docker-engine.sh) and, for the Debian root,
# root with apt (debootstrap is installed when missing).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly BASES="${ROOT}/tools/containers/bases"
readonly CACHE="${TODO_BASE_CACHE:-${ROOT}/.tools/containers}"
readonly PREFIX="${TODO_BASE_PREFIX:-todo-base}"
readonly MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
readonly SECURITY_MIRROR="${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
readonly CA_BUNDLE="${TODO_BASE_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
readonly DESCRIPTION="stand-in for CI, not for release"
readonly ROOTFS_TAR="${CACHE}/debian-bookworm-minbase.tar"

readonly DEBIAN_IMAGE="${PREFIX}/debian:bookworm"
readonly PYTHON_IMAGE="${PREFIX}/python:3.11-slim-bookworm"
readonly NODE_IMAGE="${PREFIX}/node:20-bookworm-slim"
readonly POSTGRES_IMAGE="${PREFIX}/postgres:15-bookworm"

say() { printf 'base-images: %s\n' "$*"; }
fail() { printf 'base-images: error: %s\n' "$*" >&2; exit 1; }

rebuild=false refresh_rootfs=false verify_existing=false
selected=()
for arg in "$@"; do
  case "$arg" in
    --rebuild) rebuild=true ;;
    --refresh-rootfs) refresh_rootfs=true ;;
    --verify) verify_existing=true ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"; exit 0 ;;
    debian|python|node|postgres) selected+=("$arg") ;;
    *) fail "unknown argument: $arg (try --help)" ;;
  esac
done
(( ${#selected[@]} )) || selected=(debian python node postgres)

docker info >/dev/null 2>&1 || fail "Docker does not answer; run tools/containers/docker-engine.sh first."
mkdir -p "${CACHE}"

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }
image_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true; }

# After a rebuild, drop the previous image of that name if nothing else refers to it.
drop_old() {
  local old="$1" name="$2"
  [[ -n "$old" && "$old" != "$(image_id "$name")" ]] || return 0
  if [[ -z "$(docker image inspect -f '{{join .RepoTags ""}}' "$old" 2>/dev/null)" ]]; then
    docker image rm "$old" >/dev/null 2>&1 || true
  fi
}

# Unmount anything debootstrap left mounted below a directory, then remove it.
remove_tree() {
  local dir="$1" mnt
  [[ -d "$dir" ]] || return 0
  while read -r mnt; do umount -l "$mnt" 2>/dev/null || true; done \
    < <(awk -v d="$dir/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r)
  rm -rf --one-file-system "$dir"
}

# --- Debian --------------------------------------------------------------------------------

make_rootfs() {
  [[ "$(id -u)" -eq 0 ]] || fail "debootstrap needs root; run as root, or use the official images (see tools/containers/README.md)."
  if ! command -v debootstrap >/dev/null 2>&1; then
    say "installing debootstrap (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap debian-archive-keyring >/dev/null
  fi
  local work
  work="$(mktemp -d "${CACHE}/rootfs.XXXXXX")"
  # shellcheck disable=SC2064 # expand now: the trap must remove this directory.
  trap "remove_tree '${work}'" EXIT
  local r="${work}/root"
  say "debootstrap --variant=minbase bookworm (${MIRROR}); about a minute"
  debootstrap --variant=minbase --components=main bookworm "$r" "$MIRROR" >"${work}/debootstrap.log" 2>&1 \
    || { tail -n 30 "${work}/debootstrap.log" >&2; fail "debootstrap failed (log above)."; }

  say "trimming the root (docs, man pages, locales, apt caches)"
  # Keep future package installs as lean as the official slim images do.
  cat >"$r/etc/dpkg/dpkg.cfg.d/todo-base-slim" <<'EOF'
# Like Debian's slim container images: no documentation, manuals or translations.
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
  find "$r/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$r/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$r"/usr/share/{man,info,groff,lintian,linda}/*
  find "$r/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  cat >"$r/etc/apt/apt.conf.d/todo-base-container" <<'EOF'
// Container defaults: no cached .debs or package caches left in image layers.
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Acquire::Languages "none";
Acquire::GzipIndexes "true";
APT::AutoRemove::SuggestsImportant "false";
EOF
  rm -f "$r/etc/apt/sources.list"
  cat >"$r/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: ${MIRROR}
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${SECURITY_MIRROR}
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  # Services never start inside an image build.
  printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
  chmod 755 "$r/usr/sbin/policy-rc.d"
  # Nothing of this machine in the image: Docker provides these files at run time.
  : >"$r/etc/resolv.conf"
  : >"$r/etc/hostname"
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$r/etc/hosts"
  : >"$r/etc/machine-id"
  rm -rf "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/*.bin "$r"/var/cache/apt/archives/*.deb \
    "$r"/var/cache/debconf/*-old "$r"/var/lib/dpkg/*-old "$r"/tmp/* "$r"/var/tmp/* "$r"/root/.bash_history
  find "$r/var/log" -type f -delete

  tar --numeric-owner -C "$r" -cf "${ROOTFS_TAR}.partial" .
  mv "${ROOTFS_TAR}.partial" "${ROOTFS_TAR}"
  remove_tree "$work"
  trap - EXIT
  say "cached the root as ${ROOTFS_TAR#"${ROOT}/"} ($(du -h "${ROOTFS_TAR}" | cut -f1))"
}

build_debian() {
  if [[ ! -s "${ROOTFS_TAR}" ]] || $refresh_rootfs; then make_rootfs; else say "using the cached root ${ROOTFS_TAR#"${ROOT}/"}"; fi
  docker import \
    --change "LABEL org.opencontainers.image.title=\"debian bookworm (minbase) stand-in\"" \
    --change "LABEL org.opencontainers.image.description=\"${DESCRIPTION}\"" \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    "${ROOTFS_TAR}" "${DEBIAN_IMAGE}" >/dev/null
}

verify_debian() {
  docker run --rm "${DEBIAN_IMAGE}" sh -c '. /etc/os-release && echo "$PRETTY_NAME" && apt-get --version | head -n 1'
}

# --- Python --------------------------------------------------------------------------------

host_python_prefix() {
  local py
  for py in "${HOST_PYTHON:-}" python3.11 python3; do
    if [[ -z "$py" ]] || ! command -v "$py" >/dev/null 2>&1; then continue; fi
    # base_prefix: the real installation even when a virtual environment is active.
    if [[ "$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" == 3.11 ]]; then
      "$py" -c 'import sys; print(sys.base_prefix)'
      return 0
    fi
  done
  fail "no Python 3.11 on PATH (set HOST_PYTHON=/path/to/python3.11)."
}

prepare_python() {
  local ctx="$1" prefix version
  prefix="$(host_python_prefix)"
  [[ -x "$prefix/bin/python3.11" && -f "$prefix/lib/python3.11/os.py" ]] \
    || fail "$prefix is not a Unix CPython 3.11 installation (bin/python3.11, lib/python3.11/os.py)."
  version="$("$prefix/bin/python3.11" -c 'import platform; print(platform.python_version())')"
  say "copying CPython ${version} from ${prefix} (stdlib and pip only)"
  local site="$prefix/lib/python3.11/site-packages"
  local pip_info
  pip_info="$(find "$site" -maxdepth 1 -type d -name 'pip-*.dist-info' -printf '%f\n' | head -n 1)"
  [[ -d "$site/pip" && -n "$pip_info" ]] || fail "pip is not installed in ${prefix}."

  local dest="$ctx/usr/local" optional=() path
  mkdir -p "$dest/bin" "$dest/lib"
  for path in "$prefix"/lib/libpython3* "$prefix/lib/pkgconfig"; do
    [[ -e "$path" ]] && optional+=("${path#"$prefix/"}")
  done
  # The interpreter, its shared library, headers, pkg-config files and the standard library,
  # without tests, byte-code, the static library or modules whose libraries the image lacks.
  (cd "$prefix" && tar -cf - \
      --exclude='lib/python3.11/site-packages/*' \
      --exclude='__pycache__' --exclude='*.pyc' --exclude='*.pyo' \
      --exclude='test' --exclude='tests' --exclude='idle_test' \
      --exclude='libpython3.11.a' --exclude='python.o' \
      --exclude='_tkinter.*.so' \
      bin/python3.11 lib/python3.11 include "${optional[@]}") \
    | tar -C "$dest" -xf -
  # pip itself, without its caches.
  (cd "$site" && tar -cf - --exclude='__pycache__' pip "$pip_info") | tar -C "$dest/lib/python3.11/site-packages" -xf -

  # The usual command names of the official image.
  ln -sf python3.11 "$dest/bin/python3"
  ln -sf python3 "$dest/bin/python"
  [[ -f "$prefix/bin/python3.11-config" ]] && cp "$prefix/bin/python3.11-config" "$dest/bin/" \
    && ln -sf python3.11-config "$dest/bin/python3-config" && ln -sf python3-config "$dest/bin/python-config"
  local name
  for name in pip pip3 pip3.11; do
    cat >"$dest/bin/$name" <<'EOF'
#!/usr/local/bin/python3.11
import sys
from pip._internal.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
EOF
    chmod 755 "$dest/bin/$name"
  done
  printf '#!/usr/local/bin/python3.11\nimport pydoc\npydoc.cli()\n' >"$dest/bin/pydoc3.11"
  chmod 755 "$dest/bin/pydoc3.11"
  ln -sf pydoc3.11 "$dest/bin/pydoc3"
  ln -sf pydoc3 "$dest/bin/pydoc"

  # Build-time paths (sysconfig, Makefile, python-config, pkg-config) point at /usr/local.
  grep -rlI --null -F "$prefix" "$dest" | xargs -0 -r sed -i "s|${prefix}|/usr/local|g"

  cp "$CA_BUNDLE" "$ctx/ci-ca-bundle.crt"
  BUILD_ARGS=(--build-arg "PYTHON_VERSION=${version}")
  EXTRA_TAGS=("${PREFIX}/python:${version}-slim-bookworm")
}

verify_python() {
  docker run --rm "${PYTHON_IMAGE}" python3 -c 'import ssl, sqlite3, ctypes, lzma, bz2; print("ok")'
  docker run --rm "${PYTHON_IMAGE}" sh -c 'python --version && pip --version && python3 -c "import sys; assert sys.prefix == \"/usr/local\", sys.prefix"'
  # The registry through this machine's network (a warning only: CI may be offline).
  docker run --rm "${PYTHON_IMAGE}" python3 -c 'import urllib.request; urllib.request.urlopen("https://pypi.org/simple/pip/", timeout=20); print("pypi.org reachable")' \
    || say "warning: the Python image could not reach pypi.org"
}

# --- Node ----------------------------------------------------------------------------------

prepare_node() {
  local ctx="$1" node npm_dir version
  node="$(command -v node)" || fail "no node on PATH."
  node="$(readlink -f "$node")"
  version="$("$node" -p 'process.versions.node')"
  [[ "${version%%.*}" == 20 ]] || fail "node on PATH is ${version}; the stand-in needs Node.js 20."
  npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
  [[ -f "$npm_dir/package.json" && "$(basename "$npm_dir")" == npm ]] || fail "cannot find npm's package directory (got ${npm_dir})."
  say "copying Node.js ${version} from ${node} and npm from ${npm_dir}"
  local dest="$ctx/usr/local"
  mkdir -p "$dest/bin" "$dest/lib/node_modules"
  install -m 755 "$node" "$dest/bin/node"
  cp -a "$npm_dir" "$dest/lib/node_modules/npm"
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$dest/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$dest/bin/npx"
  local corepack_dir
  corepack_dir="$(dirname "$npm_dir")/corepack"
  if [[ -f "$corepack_dir/dist/corepack.js" ]]; then
    cp -a "$corepack_dir" "$dest/lib/node_modules/corepack"
    ln -sf ../lib/node_modules/corepack/dist/corepack.js "$dest/bin/corepack"
  fi
  # The official image ships Node's C headers (/usr/local/include/node): native modules such
  # as better-sqlite3 compile against them without downloading anything.
  local headers
  headers="$(dirname "$(dirname "$node")")/include/node"
  [[ -f "$headers/node_version.h" ]] || headers=/usr/include/node
  grep -q "define NODE_MAJOR_VERSION ${version%%.*}" "$headers/node_version.h" 2>/dev/null \
    || fail "no Node.js ${version%%.*} headers at ${headers} (Debian: apt-get install libnode-dev, or use Node's own tarball)."
  mkdir -p "$dest/include"
  cp -a "$headers" "$dest/include/node"
  install -m 755 "$BASES/node-entrypoint.sh" "$dest/bin/docker-entrypoint.sh"
  cp "$CA_BUNDLE" "$ctx/ci-ca-bundle.crt"
  BUILD_ARGS=(--build-arg "NODE_VERSION=${version}")
  EXTRA_TAGS=("${PREFIX}/node:${version}-bookworm-slim")
}

verify_node() {
  docker run --rm "${NODE_IMAGE}" node -e 'console.log(process.version)'
  docker run --rm "${NODE_IMAGE}" npm --version
  docker run --rm --user 1000:1000 "${NODE_IMAGE}" sh -c 'test "$(id -un)" = node && npx --version >/dev/null && echo "node user ok"'
  if docker run --rm "${NODE_IMAGE}" npm ping >/dev/null 2>&1; then
    say "registry.npmjs.org reachable"
  else
    say "warning: the Node image could not reach the npm registry"
  fi
}

# --- PostgreSQL ----------------------------------------------------------------------------

prepare_postgres() {
  install -m 755 "$BASES/postgres-entrypoint.sh" "$1/docker-entrypoint.sh"
  BUILD_ARGS=()
  EXTRA_TAGS=()
}

verify_postgres() {
  local name="todo-base-verify-postgres-$$" waited=0
  docker run -d --name "$name" -e POSTGRES_USER=todo -e POSTGRES_PASSWORD=verify-only \
    -e POSTGRES_DB=todo "${POSTGRES_IMAGE}" >/dev/null
  # shellcheck disable=SC2064 # expand now: the trap must remove this container.
  trap "docker rm -f -v '$name' >/dev/null 2>&1 || true" EXIT
  # TCP, not the socket: during initialisation only the socket is open.
  until docker exec "$name" pg_isready -q -h 127.0.0.1 -U todo -d todo; do
    if (( waited >= 60 )) || [[ "$(docker inspect -f '{{.State.Running}}' "$name")" != true ]]; then
      docker logs "$name" >&2 || true
      fail "the PostgreSQL image did not accept connections within 60s."
    fi
    sleep 1
    waited=$((waited + 1))
  done
  docker exec "$name" pg_isready -h 127.0.0.1 -U todo -d todo
  docker exec -e PGPASSWORD=verify-only "$name" \
    psql -h 127.0.0.1 -U todo -d todo -tA -c 'select current_user, current_database(), split_part(version(), $$ on $$, 1)'
  [[ "$(docker exec "$name" stat -c %U /proc/1)" == postgres ]] || fail "PostgreSQL does not run as the postgres user."
  say "PostgreSQL runs as the postgres user"
  docker rm -f -v "$name" >/dev/null
  trap - EXIT
}

# --- Driver --------------------------------------------------------------------------------

build_from_dockerfile() {
  local kind="$1" image="$2" ctx="${CACHE}/context/$1"
  rm -rf "$ctx"
  mkdir -p "$ctx"
  BUILD_ARGS=() EXTRA_TAGS=()
  "prepare_${kind}" "$ctx"
  local -a tags=(-t "$image")
  local t
  for t in "${EXTRA_TAGS[@]}"; do tags+=(-t "$t"); done
  say "building ${image} from tools/containers/bases/${kind}.Dockerfile"
  docker build --build-arg "BASE_IMAGE=${DEBIAN_IMAGE}" "${BUILD_ARGS[@]}" "${tags[@]}" \
    -f "${BASES}/${kind}.Dockerfile" "$ctx" >"${CACHE}/build-${kind}.log" 2>&1 \
    || { tail -n 40 "${CACHE}/build-${kind}.log" >&2; fail "building ${image} failed (full log: ${CACHE}/build-${kind}.log)."; }
  rm -rf "$ctx"
  rmdir "${CACHE}/context" 2>/dev/null || true
}

image_for() {
  case "$1" in
    debian) echo "${DEBIAN_IMAGE}" ;; python) echo "${PYTHON_IMAGE}" ;;
    node) echo "${NODE_IMAGE}" ;; postgres) echo "${POSTGRES_IMAGE}" ;;
  esac
}

# Every image but debian is built on it: make sure it exists first.
for kind in "${selected[@]}"; do
  if [[ "$kind" != debian ]] && ! image_exists "${DEBIAN_IMAGE}" && [[ " ${selected[*]} " != *" debian "* ]]; then
    selected=(debian "${selected[@]}")
    break
  fi
done

for kind in "${selected[@]}"; do
  image="$(image_for "$kind")"
  if image_exists "$image" && ! $rebuild && ! { [[ "$kind" == debian ]] && $refresh_rootfs; }; then
    say "${image} exists; skipped (--rebuild builds it again)"
    if $verify_existing; then "verify_${kind}"; fi
    continue
  fi
  old="$(image_id "$image")"
  start=$SECONDS
  if [[ "$kind" == debian ]]; then build_debian; else build_from_dockerfile "$kind" "$image"; fi
  drop_old "$old" "$image"
  say "built ${image} in $((SECONDS - start))s; verifying"
  "verify_${kind}"
done

say "images:"
for kind in debian python node postgres; do
  image="$(image_for "$kind")"
  image_exists "$image" || continue
  size="$(docker image inspect -f '{{.Size}}' "$image")"
  printf '  %-40s %6s MB\n' "$image" "$((size / 1000000))"
done
for image in $(docker image ls --format '{{.Repository}}:{{.Tag}}' "${PREFIX}/*" | sort); do
  case "$image" in "${DEBIAN_IMAGE}"|"${PYTHON_IMAGE}"|"${NODE_IMAGE}"|"${POSTGRES_IMAGE}") ;; *) printf '  %-40s (same image, exact version tag)\n' "$image" ;; esac
done
