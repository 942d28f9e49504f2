#!/bin/bash -eu
# ClusterFuzzLite reuses the OSS-Fuzz build script unchanged.
exec "$SRC/corsguard/fuzz/oss-fuzz/build.sh"
