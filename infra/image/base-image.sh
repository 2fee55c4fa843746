#!/usr/bin/env bash
# Makes the Dockerfile's base image (its FROM name) on a machine that reaches no image registry: a minimal
# Debian bookworm root from Debian's own packages (debootstrap, from the mirror this machine's apt already uses),
# this machine's Node and npm in /usr/local as the official node image has them, its `node` user (uid 1000), and
# this machine's CA bundle with npm's cafile pointing at it (a registry reached through a TLS-inspecting egress
# proxy is trusted only through that bundle). Skipped when the tag exists: the base is cached between runs.
#
#   infra/image/base-image.sh <image:tag>        (DOCKER_HOST names the daemon)
set -euo pipefail

tag=${1:?usage: base-image.sh <image:tag>}
if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "base image $tag: present, kept"
  exit 0
fi

# The Debian mirror of this machine's apt sources (deb822 .sources files or one-line sources.list), never a fixed host.
mirror=$(
  cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ && $2 !~ /security/ { print $2; exit }'
)
if [ -z "$mirror" ]; then
  mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '$1 == "deb" && $3 == "bookworm" { print ($2 ~ /^\[/ ? $3 : $2); exit }')
fi
[ -n "$mirror" ] || { echo "no Debian mirror in /etc/apt/sources.list{,.d}" >&2; exit 1; }

node_bin=$(command -v node)
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")
ca_bundle=/etc/ssl/certs/ca-certificates.crt
[ -f "$ca_bundle" ] || { echo "no CA bundle at $ca_bundle" >&2; exit 1; }

root=$(mktemp -d "${TMPDIR:-/tmp}/hookfleet-base.XXXXXX")
# mktemp makes it 0700: as the image's /, that would lock every non-root user out of the whole filesystem.
chmod 0755 "$root"
trap 'rm -rf "$root"' EXIT
echo "base image $tag: debootstrap bookworm from $mirror, node $("$node_bin" --version) from $node_bin"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 || { tail -20 "$root.log" >&2; rm -f "$root.log"; exit 1; }
rm -f "$root.log"

install -D -m 0755 "$node_bin" "$root/usr/local/bin/node"
mkdir -p "$root/usr/local/lib/node_modules"
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
install -D -m 0644 "$ca_bundle" "$root/etc/ssl/certs/ca-certificates.crt"
# npm's global config under its prefix (/usr/local): every npm in the image trusts the bundle.
mkdir -p "$root/usr/local/etc"
printf 'cafile=/etc/ssl/certs/ca-certificates.crt\nfund=false\naudit=false\nupdate-notifier=false\n' >"$root/usr/local/etc/npmrc"
# The official image's unprivileged user, which the Dockerfile's USER names.
echo 'node:x:1000:1000::/home/node:/bin/sh' >>"$root/etc/passwd"
echo 'node:x:1000:' >>"$root/etc/group"
echo 'node:!:19000::::::' >>"$root/etc/shadow"
install -d -o 1000 -g 1000 "$root/home/node"
# Nothing the image needs at run time: apt lists, caches, docs.
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/* "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/locale/*

tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["node"]' \
  - "$tag" >/dev/null
echo "base image $tag: $(docker image inspect -f '{{.Size}}' "$tag" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
