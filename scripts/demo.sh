#!/usr/bin/env bash
# Renders the bundled sample audit (the Traefik -> Portainer seed situation) into reports/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec node bin/pveaudit.js demo "$@"
