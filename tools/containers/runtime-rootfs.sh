#!/bin/sh
# Assemble a minimal runtime root filesystem for a `FROM scratch` image stage: the given
# files and directories, the shared libraries their programs and modules load (found with
# ldd), a passwd/group entry for the app's numeric user, the CA bundle and /tmp. No shell,
# no package manager, no coreutils: only what the interpreter and the app load. A manifest,
# /usr/share/todo/debian-packages.tsv, names the Debian package of every file (for the SBOM).
#
#   runtime-rootfs.sh ROOTFS UID GID PATH...
#
# Each PATH is copied to the same place under ROOTFS (symlinks kept). Used by the builder
# stages of apps/api/Dockerfile and apps/web/Dockerfile, on a Debian-based image (ldd,
# ldconfig; strip when binutils is installed).
set -eu

rootfs=$1 uid=$2 gid=$3
shift 3
[ "$#" -gt 0 ] || { echo "usage: runtime-rootfs.sh ROOTFS UID GID PATH..." >&2; exit 2; }

# Debian's merged /usr layout: /lib and /lib64 are links into /usr.
mkdir -p "$rootfs/usr/lib/x86_64-linux-gnu" "$rootfs/usr/lib64" "$rootfs/usr/local/lib" \
  "$rootfs/etc" "$rootfs/tmp"
[ -e "$rootfs/lib" ] || ln -s usr/lib "$rootfs/lib"
[ -e "$rootfs/lib64" ] || ln -s usr/lib64 "$rootfs/lib64"
chmod 1777 "$rootfs/tmp"

for path in "$@"; do
  mkdir -p "$rootfs$(dirname "$path")"
  cp -a "$path" "$rootfs$path"
done

# Every ELF file copied (programs, libpython, extension modules, .node addons), then the
# libraries they need. ldd resolves RPATH/$ORIGIN, so libraries a wheel bundles next to
# itself resolve to the copies already there; only system libraries are added.
is_elf() { [ "$(head -c 4 "$1" 2>/dev/null | tail -c 3)" = "ELF" ]; }
elves=$(mktemp)
find "$rootfs" -type f \( -perm -u+x -o -name '*.so' -o -name '*.so.*' -o -name '*.node' \) |
  while read -r file; do is_elf "$file" && echo "$file"; done > "$elves"

needed=$(mktemp)
while read -r file; do
  # `libfoo.so.1 => /path (0x...)`, or the loader alone: `/lib64/ld-linux-x86-64.so.2 (0x...)`.
  ldd "$file" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
done < "$elves" | sort -u > "$needed"

while read -r lib; do
  case "$lib" in "$rootfs"/*) continue ;; esac      # a library the copied tree brings along
  [ -e "$rootfs$lib" ] && continue
  mkdir -p "$rootfs$(dirname "$lib")"
  cp -L "$lib" "$rootfs$lib"
  echo "$rootfs$lib" >> "$elves"
done < "$needed"

# Debug sections and symbol tables are not needed to run (dynamic symbols are kept).
if command -v strip > /dev/null; then
  while read -r file; do
    strip --strip-unneeded "$file" 2> /dev/null || echo "runtime-rootfs: $file left as it is (strip refused it)"
  done < "$elves"
fi
rm -f "$elves" "$needed"

# The loader's search path for libraries outside its defaults (libpython in /usr/local/lib).
printf '%s\n' /usr/local/lib /usr/lib/x86_64-linux-gnu > "$rootfs/etc/ld.so.conf"
ldconfig -r "$rootfs"

# The app's user by number, so libraries that look it up (libpq, getpass) find a name and
# a home; no login shell exists.
printf 'root:x:0:0:root:/root:/sbin/nologin\napp:x:%s:%s:app:/tmp:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n' \
  "$uid" "$gid" > "$rootfs/etc/passwd"
printf 'root:x:0:\napp:x:%s:\nnogroup:x:65534:\n' "$gid" > "$rootfs/etc/group"

# TLS to external services (an OpenAI-compatible API, a managed database): the base image's
# CA bundle, where Debian's OpenSSL looks for it.
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  mkdir -p "$rootfs/etc/ssl/certs"
  cp -L /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/"
fi
[ -f /etc/os-release ] && cp -L /etc/os-release "$rootfs/etc/os-release"

# Which Debian package each file in the rootfs came from, for the image's SBOM
# (tools/images/src/image-contents.ts): one `path<TAB>package<TAB>version<TAB>arch` line per
# file, from the builder's dpkg database (the file lists `dpkg -S` searches, and `dpkg-query
# -W` for the versions). A path may be listed under /lib or /usr/lib (merged /usr), so both
# are looked up. Generated files are credited to the package that generates them (the CA
# bundle to ca-certificates). Files of no package (a /usr/local interpreter, the app) and
# the files written above (ld.so.conf, passwd, group) are not listed. Sorted: the same
# files give the same manifest.
manifest=/usr/share/todo/debian-packages.tsv
if [ -d /var/lib/dpkg/info ] && command -v dpkg-query > /dev/null; then
  versions=$(mktemp)
  dpkg-query -W -f '${binary:Package}\t${Version}\t${Architecture}\n' > "$versions"
  mkdir -p "$rootfs$(dirname "$manifest")"
  (cd "$rootfs" && find . \( -type f -o \( -type l ! -xtype d \) \) ! -path ".$manifest" | sed 's#^\.##') |
    awk -F '\t' -v OFS='\t' -v versions="$versions" '
      BEGIN {
        while ((getline line < versions) > 0) { split(line, f, "\t"); version[f[1]] = f[2]; arch[f[1]] = f[3] }
        generated["/etc/ssl/certs/ca-certificates.crt"] = "ca-certificates"
        split("/etc/ld.so.conf /etc/ld.so.cache /etc/passwd /etc/group", ours, " ")
        for (i in ours) written[ours[i]] = 1
      }
      FILENAME != "-" {
        if (FNR == 1) { pkg = FILENAME; sub(/.*\//, "", pkg); sub(/\.list$/, "", pkg) }
        if (!($0 in owner)) owner[$0] = pkg
        next
      }
      {
        path = $0; other = path
        if (path in written) next
        if (other ~ /^\/usr\//) sub(/^\/usr/, "", other); else other = "/usr" other
        p = (path in owner) ? owner[path] : (other in owner) ? owner[other] : ""
        if (p == "" && (path in generated)) for (q in version) { name = q; sub(/:.*/, "", name); if (name == generated[path]) p = q }
        if (p == "" || !(p in version)) next
        name = p; sub(/:.*/, "", name)
        print path, name, version[p], arch[p]
      }' /var/lib/dpkg/info/*.list - | LC_ALL=C sort > "$rootfs$manifest"
  rm -f "$versions"
  echo "runtime-rootfs: $(cut -f 2 "$rootfs$manifest" | sort -u | wc -l) Debian packages in $manifest"
fi
exit 0
