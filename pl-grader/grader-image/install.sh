#!/usr/bin/env bash
# The grader image's Dockerfile runs this once, as root, when the image is built.
# It installs only what is missing: Deno 2.9.6 (from npm),
# python3, bubblewrap, util-linux, iproute2. Made by `deno task probe --autograder`.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive DENO_NO_UPDATE_CHECK=1
deno_version=2.9.6

has_deno() {
  command -v deno >/dev/null 2>&1 && deno --version 2>/dev/null | head -n 1 | grep -q "^deno $deno_version "
}

missing=()
for package in python3 bubblewrap util-linux iproute2; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done
if ! has_deno && ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "$(basename "$0"): installing ${missing[*]}"
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! has_deno; then
  case "$(uname -m)" in
    x86_64) package=@deno/linux-x64-glibc ;;
    aarch64) package=@deno/linux-arm64-glibc ;;
    *) echo "$(basename "$0"): no Deno build for $(uname -m)" >&2; exit 1 ;;
  esac
  echo "$(basename "$0"): installing Deno $deno_version from npm ($package)"
  unpack=$(mktemp -d)
  (cd "$unpack" && npm pack --silent "$package@$deno_version" >/dev/null && tar -xzf ./*.tgz)
  install -m 755 "$unpack/package/deno" /usr/local/bin/deno
  rm -rf "$unpack"
  hash -r
fi
has_deno || { echo "$(basename "$0"): Deno $deno_version is not on PATH" >&2; exit 1; }

echo "$(basename "$0"): ready ($(deno --version | head -n 1), $(python3 --version))"
