#!/usr/bin/env bash
# Builds the release archive of kubectl-sa for this machine and renders the krew manifest for the archives of the
# release. The version comes from Cargo.toml.
#
#   scripts/release.sh                  build dist/kubectl-sa_vX.Y.Z_<os>_<arch>.tar.gz (.zip on Windows), render
#                                       dist/krew-manifest.yaml for every archive of vX.Y.Z in dist/, write the
#                                       custom index dist/index/ (plugins/sa.yaml, a git repository), and update
#                                       the repository's krew-manifest.yaml and plugins/sa.yaml
#   --out DIR                           use DIR instead of dist/; the repository's files are left alone unless
#                                       --update-repo is given too
#   --binary PATH                       package this binary instead of building one (cargo build --release)
#   --target TRIPLE                     cargo build --release --target TRIPLE (os/arch follow the triple)
#   --package-only                      build the archive, render nothing (one job of the hosted release matrix)
#   --render-only                       render the manifest for the archives already in DIR (the last job)
#   --uri-base URL                      where the archives are downloaded from (default: the GitHub release)
#   --update-repo                       also copy the manifest to krew-manifest.yaml and plugins/sa.yaml
#
# Archives are deterministic for a given binary (sorted, no owners, fixed mtime, gzip -n); sha256 is lowercase.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

die() { echo "release.sh: $*" >&2; exit 2; }

out=""
binary=""
target=""
uri_base=""
package=1
render=1
update_repo=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="${2:?--out needs a directory}"; shift 2 ;;
    --binary) binary="${2:?--binary needs a path}"; shift 2 ;;
    --target) target="${2:?--target needs a triple}"; shift 2 ;;
    --uri-base) uri_base="${2:?--uri-base needs a URL}"; shift 2 ;;
    --package-only) render=0; shift ;;
    --render-only) package=0; shift ;;
    --update-repo) update_repo=1; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
if [ -z "$out" ]; then
  out="$root/dist"
  update_repo=${update_repo:-1}
fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"

version="v$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)"
[ "$version" != "v" ] || die "no version in Cargo.toml"
uri_base="${uri_base:-https://github.com/kubectl-sa/kubectl-sa/releases/download/$version}"

# os/arch in krew's (and Go's) names.
os_arch_of_triple() {
  local os arch
  case "$1" in
    *-linux-*) os=linux ;;
    *-apple-darwin) os=darwin ;;
    *-windows-*) os=windows ;;
    *) die "unsupported target $1" ;;
  esac
  case "$1" in
    x86_64-*) arch=amd64 ;;
    aarch64-*) arch=arm64 ;;
    *) die "unsupported target $1" ;;
  esac
  echo "$os $arch"
}
host_triple() { rustc -vV | sed -n 's/^host: //p'; }

sha256_of() {
  if command -v sha256sum >/dev/null; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi \
    | tr 'A-F' 'a-f'
}

if [ "$package" = 1 ]; then
  triple="${target:-$(host_triple)}"
  read -r os arch < <(os_arch_of_triple "$triple")
  [ -n "${arch:-}" ] || die "unsupported target $triple: archives are made for linux, darwin (amd64, arm64), windows (amd64)"
  exe=""
  [ "$os" = windows ] && exe=".exe"
  if [ -z "$binary" ]; then
    target_dir="${CARGO_TARGET_DIR:-$root/target}"
    if [ -n "$target" ]; then
      cargo build --release --locked --target "$target" >&2
      binary="$target_dir/$target/release/kubectl-sa$exe"
    else
      cargo build --release --locked >&2
      binary="$target_dir/release/kubectl-sa$exe"
    fi
  fi
  [ -x "$binary" ] || die "no executable at $binary"
  stage="$(mktemp -d)"
  trap 'rm -rf "$stage"' EXIT
  cp "$binary" "$stage/kubectl-sa$exe"
  cp LICENSE "$stage/LICENSE"
  chmod 0755 "$stage/kubectl-sa$exe"
  chmod 0644 "$stage/LICENSE"
  touch -t 198001010000 "$stage/kubectl-sa$exe" "$stage/LICENSE"
  name="kubectl-sa_${version}_${os}_${arch}"
  if [ "$os" = windows ]; then
    archive="$out/$name.zip"
    rm -f "$archive"
    if command -v zip >/dev/null; then
      (cd "$stage" && zip -q -X "$archive" "kubectl-sa$exe" LICENSE)
    else
      (cd "$stage" && powershell -NoProfile -Command \
        "Compress-Archive -Path 'kubectl-sa$exe','LICENSE' -DestinationPath '$(cygpath -w "$archive" 2>/dev/null || echo "$archive")'")
    fi
  else
    archive="$out/$name.tar.gz"
    if tar --version 2>/dev/null | grep -q GNU; then
      tar --sort=name --mtime=@315532800 --owner=0 --group=0 --numeric-owner --format=ustar \
        -C "$stage" -cf - "kubectl-sa$exe" LICENSE | gzip -n -9 > "$archive.tmp"
    else
      tar -C "$stage" -cf - "kubectl-sa$exe" LICENSE | gzip -n -9 > "$archive.tmp"
    fi
    mv "$archive.tmp" "$archive"
  fi
  echo "release.sh: built $archive (sha256 $(sha256_of "$archive"))" >&2
fi

[ "$render" = 1 ] || exit 0

# One platform entry per archive of this version in $out, in a stable order.
platforms=""
count=0
for archive in "$out"/kubectl-sa_"${version}"_*; do
  [ -f "$archive" ] || continue
  base="$(basename "$archive")"
  case "$base" in
    *.tar.gz) rest="${base%.tar.gz}"; exe="" ;;
    *.zip) rest="${base%.zip}"; exe=".exe" ;;
    *) continue ;;
  esac
  rest="${rest#kubectl-sa_"${version}"_}"
  os="${rest%_*}"
  arch="${rest#*_}"
  case "$os/$arch" in
    linux/amd64|linux/arm64|darwin/amd64|darwin/arm64|windows/amd64) ;;
    *) die "unexpected archive $base" ;;
  esac
  platforms+="  - selector:
      matchLabels:
        os: $os
        arch: $arch
    uri: $uri_base/$base
    sha256: $(sha256_of "$archive")
    bin: kubectl-sa$exe
    files:
    - from: kubectl-sa$exe
      to: .
    - from: LICENSE
      to: .
"
  count=$((count + 1))
done
[ "$count" -gt 0 ] || die "no archive kubectl-sa_${version}_* in $out: build one first"

manifest="$out/krew-manifest.yaml"
template="$root/scripts/krew-manifest.template.yaml"
{
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      @PLATFORMS@) printf '%s' "$platforms" ;;
      *) printf '%s\n' "${line//@VERSION@/$version}" ;;
    esac
  done < "$template"
} > "$manifest.tmp"
mv "$manifest.tmp" "$manifest"
echo "release.sh: rendered $manifest ($count platform(s))" >&2

# A custom krew index: a git repository with plugins/<name>.yaml (`kubectl krew index add NAME DIR-or-URL`).
index="$out/index"
mkdir -p "$index/plugins"
cp "$manifest" "$index/plugins/sa.yaml"
(
  cd "$index"
  export GIT_AUTHOR_NAME=kubectl-sa GIT_AUTHOR_EMAIL=release@kubectl-sa.invalid
  export GIT_COMMITTER_NAME=kubectl-sa GIT_COMMITTER_EMAIL=release@kubectl-sa.invalid
  [ -d .git ] || git init -q -b main .
  git add plugins/sa.yaml
  git diff --cached --quiet || git commit -q -m "sa $version"
)
echo "release.sh: custom index in $index (kubectl krew index add kubectl-sa $index)" >&2

if [ -n "$update_repo" ]; then
  cp "$manifest" "$root/krew-manifest.yaml"
  mkdir -p "$root/plugins"
  cp "$manifest" "$root/plugins/sa.yaml"
  echo "release.sh: updated krew-manifest.yaml and plugins/sa.yaml" >&2
fi
