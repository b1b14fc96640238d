#!/usr/bin/env bash
# scripts/staticcheck.sh — run staticcheck over the whole module.
#
# Not part of `go test ./...` or .ci/run: installing staticcheck and checking
# every package takes a couple of minutes. Run it before sending a change:
#   scripts/staticcheck.sh            # staticcheck ./...
#   scripts/staticcheck.sh ./model/   # or just some packages
#
# Installs honnef.co/go/tools/cmd/staticcheck at the pinned version below with
# `go install` (into GOBIN, or GOPATH/bin; go.mod is not touched) unless that
# version is already on PATH or in GOBIN. Override with STATICCHECK_VERSION.
#
# A finding that is deliberate gets `//lint:ignore CHECK reason` on the line
# above it; everything else is fixed.
set -euo pipefail
cd "$(dirname "$0")/.."

version=${STATICCHECK_VERSION:-v0.8.2} # staticcheck 2026.2.2
gobin=$(go env GOBIN)
[ -n "$gobin" ] || gobin="$(go env GOPATH)/bin"
export PATH="$gobin:$PATH"

want=${version#v}
if ! command -v staticcheck >/dev/null || ! staticcheck -version 2>/dev/null | grep -q "v$want\|($want)"; then
  echo "staticcheck: installing honnef.co/go/tools/cmd/staticcheck@$version" >&2
  go install "honnef.co/go/tools/cmd/staticcheck@$version"
fi

[ $# -gt 0 ] || set -- ./...
staticcheck "$@"
echo "staticcheck: no findings"
