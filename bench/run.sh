#!/usr/bin/env bash
# One command from a fresh clone: bash bench/run.sh [--quick] [--scenario NAME] [...]
# Installs bench's own npm dependencies if needed, then runs bench/run.js, which finds or
# installs wrk / nginx / haproxy and builds Fulcrum if needed. See bench/README.md.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules/http-proxy ] || [ ! -d node_modules/@fastify/http-proxy ] || [ ! -d node_modules/fastify ]; then
  npm install --no-audit --no-fund
fi
exec node run.js "$@"
