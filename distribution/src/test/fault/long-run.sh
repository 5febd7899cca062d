#!/bin/sh
# The long form of the crash harness (FaultIT): the real distribution under SMTP load to local and remote
# recipients, killed with SIGKILL KILLS times at random moments, then reconciled. Run from anywhere:
#   distribution/src/test/fault/long-run.sh [KILLS] [SENDERS]
# The figures end up in distribution/target/fault-report.txt. FAULT_SEED=N replays the timing of a run;
# FAULT_MVN_ARGS (e.g. -o) is passed to Maven.
set -eu
root=$(cd "$(dirname "$0")/../../../.." && pwd)
kills=${1:-10}
senders=${2:-3}
seed=${FAULT_SEED:+-Dfault.seed=$FAULT_SEED}
cd "$root"
# shellcheck disable=SC2086
mvn -B ${FAULT_MVN_ARGS:-} -pl distribution -am verify \
    -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=FaultIT \
    -Dfault.kills="$kills" -Dfault.senders="$senders" ${seed:-}
cat distribution/target/fault-report.txt
