#!/usr/bin/env bash
# make-all.sh — remake every capture in testdata/captures, then MANIFEST.json and README.md.
#
# Requirements (Debian 12): run as root (network namespaces, veth, nftables, tcpdump), and
#   apt-get install tcpdump tshark gnutls-bin openssl iproute2 ethtool nftables curl gzip
#   (tshark brings dumpcap, mergecap, editcap and capinfos), plus Go (the module's toolchain).
# No network access is needed: all traffic stays inside two namespaces (pcs-c, pcs-s) that the
# scripts create and delete. Certificates are made fresh by certs.sh into a temporary directory,
# so certificate bytes, keys, random values and timestamps differ from run to run; ports, names,
# addresses, MAC addresses and the sequence of events are fixed. The manifest is rebuilt from the
# new captures by `go run ./testdata/gen/manifest`, which fails if a capture does not show the
# outcome testdata/gen/expect.json expects.
#
#   sudo testdata/gen/make-all.sh            # everything (about 2-3 minutes)
#   sudo testdata/gen/make-all.sh tls-fail   # one group; then run the manifest step by hand
set -euo pipefail
GEN=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$GEN/../.." && pwd)
[[ $(id -u) == 0 ]] || { echo "make-all.sh: needs root (network namespaces)" >&2; exit 1; }
for t in tcpdump dumpcap mergecap editcap capinfos tshark openssl gnutls-cli gnutls-serv ip ethtool nft curl python3 go; do
  command -v $t >/dev/null || { echo "make-all.sh: missing $t" >&2; exit 1; }
done
export PCS_TMP=$(mktemp -d /tmp/pcs-gen.XXXXXX)
trap 'rm -rf "$PCS_TMP"' EXIT
groups=(tls-ok tls-fail tcp-fail slow-server protocols plainstart resume links tunnels damaged verdicts demo)
[[ $# -gt 0 ]] && groups=("$@")
for g in "${groups[@]}"; do
  echo "### $g" >&2
  bash "$GEN/$g.sh"
done
if [[ $# -eq 0 ]]; then
  (cd "$ROOT" && go run ./testdata/gen/manifest)
fi
du -sh "$ROOT/testdata/captures" >&2
