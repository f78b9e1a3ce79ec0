#!/bin/bash
# Installs every Debian 12 package mimod needs to build, test and run (as root).
# SLURM and munge are only for tests/test_slurm.sh, which starts its own
# daemons on localhost (tools/slurm-local.sh) and stops them again.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    build-essential pkg-config meson ninja-build git python3 \
    libopenblas-dev libyaml-dev \
    openmpi-bin libopenmpi-dev libhdf5-openmpi-dev hdf5-tools \
    libgsl-dev libplplot-dev plplot-driver-cairo fonts-dejavu-core \
    slurmd slurmctld slurm-client munge \
    valgrind python3-h5py python3-numpy python3-pandas python3-matplotlib >/dev/null
echo "setup-debian: packages installed"
