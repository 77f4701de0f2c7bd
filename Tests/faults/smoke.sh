#!/usr/bin/env bash
# The short version of the fault campaigns (run by `make test` through scripts/test-scripts.sh and by
# `make faults-smoke`): each campaign at a few runs; the full size is `make faults`. See Tests/faults/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
FAULTS_SHORT=1 exec python3 Tests/faults/campaign.py "$@"
