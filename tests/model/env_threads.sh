#!/bin/sh
# A host process's OMP_NUM_THREADS / BLIS_NUM_THREADS must not change what
# the library computes (it passes its own thread count to BLIS and OpenMP),
# for threads = 1 and threads = 2.
set -eu
prog=$1
for t in 1 2; do
    plain=$(env -u OMP_NUM_THREADS -u BLIS_NUM_THREADS "$prog" $t)
    noisy=$(OMP_NUM_THREADS=7 BLIS_NUM_THREADS=5 "$prog" $t)
    if [ "$plain" != "$noisy" ]; then
        echo "threads=$t: parameters differ with OMP_NUM_THREADS/BLIS_NUM_THREADS set ($plain vs $noisy)"
        exit 1
    fi
    echo "threads=$t: identical ($plain)"
done
