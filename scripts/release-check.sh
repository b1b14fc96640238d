#!/usr/bin/env bash
# scripts/release-check.sh — dry run of the release: validates .goreleaser.yaml
# and builds every release binary locally, publishing nothing.
#
# Not part of `go test ./...` or .ci/run: it installs goreleaser (a large build
# the first time) and cross-compiles five binaries, which takes minutes.
#
#   scripts/release-check.sh             check, snapshot build, verify, remove dist/
#   KEEP_DIST=1 scripts/release-check.sh keep dist/ to look at the binaries
#
# Steps:
#   1. installs goreleaser with `go install github.com/goreleaser/goreleaser/v2@VERSION`
#      when no goreleaser v2 is on PATH or in GOBIN (go.mod is not touched).
#      VERSION is pinned below (override: GORELEASER_VERSION): @latest may need
#      a newer Go than the one in go.mod, and the toolchain is not switched here.
#   2. goreleaser check
#   3. goreleaser build --snapshot --clean
#   4. checks that the five binaries exist (linux, darwin: amd64 and arm64;
#      windows: amd64) and that the one for this machine prints
#      "pcapsurgery VERSION (commit C, built D)" for --version
#   5. removes dist/ (it is in .gitignore) unless KEEP_DIST=1
set -euo pipefail
cd "$(dirname "$0")/.."

version=${GORELEASER_VERSION:-v2.16.0}
gobin=$(go env GOBIN)
[ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
export PATH="$gobin:$PATH"

if ! command -v goreleaser >/dev/null || ! goreleaser --version 2>/dev/null | grep -q 'GitVersion: *v\?2\.'; then
  echo "release-check: installing github.com/goreleaser/goreleaser/v2@$version" >&2
  go install "github.com/goreleaser/goreleaser/v2@$version"
fi
goreleaser --version 2>/dev/null | grep -m1 GitVersion || true

cleanup() { [ "${KEEP_DIST:-0}" = 1 ] || rm -rf dist; }
trap cleanup EXIT

# goreleaser reads the commit (for -X main.commit) only when the repository has
# a remote; in a clone without one, lend it the project's URL through git's
# environment (nothing is written to .git/config, nothing is fetched).
if [ -z "$(git remote)" ]; then
  export GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url \
    GIT_CONFIG_VALUE_0=https://github.com/pcapsurgery/pcapsurgery.git
fi

echo "== goreleaser check"
goreleaser check

echo "== goreleaser build --snapshot --clean"
if ! goreleaser build --snapshot --clean; then
  # On a cold build cache, five parallel cross-builds have been seen to fail
  # once with "could not import sync (open : no such file or directory)".
  echo "release-check: build failed; retrying once" >&2
  goreleaser build --snapshot --clean
fi

echo "== binaries"
fail=0
host=""
for target in linux_amd64 linux_arm64 darwin_amd64 darwin_arm64 windows_amd64; do
  exe=pcapsurgery
  [ "${target%%_*}" = windows ] && exe=pcapsurgery.exe
  # goreleaser names the folders BUILDID_OS_ARCH_LEVEL (e.g. _v1, _v8.0).
  bin=$(ls -d dist/pcapsurgery_"$target"*/"$exe" 2>/dev/null | head -n1 || true)
  if [ -z "$bin" ] || [ ! -s "$bin" ]; then
    echo "missing: $target"
    fail=1
    continue
  fi
  if command -v file >/dev/null; then echo "$bin: $(file -b "$bin" | cut -c1-100)"; else echo "$bin"; fi
  [ "$target" = "$(go env GOHOSTOS)_$(go env GOHOSTARCH)" ] && host=$bin
done
[ "$fail" = 0 ] || { echo "release-check: FAILED (missing binaries)"; exit 1; }

if [ -n "$host" ]; then
  line=$("$host" --version)
  echo "$host --version: $line"
  if ! grep -Eq '^pcapsurgery [^ ]+ \(commit [0-9a-f]+, built [0-9]{4}-[0-9]{2}-[0-9]{2}T[^)]+\)$' <<<"$line"; then
    echo "release-check: FAILED (--version does not carry the version, commit and date stamps)"
    exit 1
  fi
else
  echo "(this machine, $(go env GOHOSTOS)/$(go env GOHOSTARCH), is not a release target: --version not run)"
fi
echo "release-check: ok"
