#!/usr/bin/env bash
# Installs what pveaudit and its tests need on a fresh Debian 12 machine; quick when all is present.
#   scripts/setup.sh          npm dependencies + Chromium (enough for the demo)
#   scripts/setup.sh --lab    also sshd, tcpdump, iptables, iproute2, poppler-utils, curl for the test lab,
#                             and ansible-core, zsh, fish (inventories compared with ansible-inventory,
#                             completion scripts checked by their shells; those tests skip that part without)
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
want() { command -v "$1" >/dev/null 2>&1 || need_pkgs+=("$2"); }
want chromium chromium
if [[ "${1:-}" == "--lab" ]]; then
  want sshd openssh-server
  [[ -x /usr/sbin/sshd ]] || need_pkgs+=(openssh-server)
  want tcpdump tcpdump
  want ip iproute2
  want iptables iptables
  want pdftotext poppler-utils
  want pdfinfo poppler-utils
  want curl curl
  want ssh openssh-client
  want ping iputils-ping
  want nsenter util-linux
  want unshare util-linux
  want nft nftables
  want ipset ipset # the lab loads real ipsets (ipsetmiss, oracle); ebtables comes with iptables (alternatives)
  want iptables-restore iptables
  want openssl openssl
  want python3 python3
  want ssh-agent openssh-client
  want ansible-inventory ansible-core
  want zsh zsh
  want fish fish
fi
if ((${#need_pkgs[@]})); then
  mapfile -t need_pkgs < <(printf '%s\n' "${need_pkgs[@]}" | sort -u)
  echo "setup: installing ${need_pkgs[*]} (apt)" >&2
  if [[ $(id -u) -ne 0 ]]; then echo "setup: need root to apt-get install ${need_pkgs[*]}" >&2; exit 2; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# npm ci only when node_modules is missing or older than the lock file.
stamp=node_modules/.pveaudit-installed
if [[ ! -f $stamp || package-lock.json -nt $stamp ]]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  touch "$stamp"
fi
# bin/pveaudit.js starts from dist/: rebuild it (under a second) so it never runs older code than src/
npm run --silent build
