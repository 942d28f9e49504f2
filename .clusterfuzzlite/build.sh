#!/bin/bash -eu
# ClusterFuzzLite's $SRC/build.sh: the OSS-Fuzz build script of the checkout under test, unchanged.
exec bash -eu "$SRC/corsguard/fuzz/oss-fuzz/build.sh"
