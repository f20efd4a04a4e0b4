#!/usr/bin/env bash
# A longer fuzz campaign than CI's: new random cases each time, 20,000 per property (override with
# BMDSIM_FUZZ_EXAMPLES), plus 10 SIGKILLs of real runs at random points of their write phase.
#   scripts/fuzz.sh            # from the repository root
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD/src${PYTHONPATH:+:$PYTHONPATH}"
export BMDSIM_FUZZ_EXAMPLES="${BMDSIM_FUZZ_EXAMPLES:-20000}" BMDSIM_FUZZ_RANDOM=1
export BMDSIM_KILL_RUNS="${BMDSIM_KILL_RUNS:-10}" BMDSIM_KILL_SEED="${BMDSIM_KILL_SEED:-$RANDOM}"
python3 -m pytest -q tests/robustness/test_fuzz.py tests/robustness/test_interruptions.py "$@"
