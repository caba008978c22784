#!/usr/bin/env bash
# Builds and runs nn_gpu_check.cu (see there) with nvcc: the nn family's GPU kernels against the host
# device's. Needs an NVIDIA GPU; ARCH (default 90) picks the target. Arguments go to the program.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src="$here/../src"
out="${TMPDIR:-/tmp}/nn_gpu_check.$$"
mkdir -p "$out"
flags=(-std=c++17 -O3 -I"$src" -gencode=arch=compute_${ARCH:-90},code=sm_${ARCH:-90})
for f in pool norm resize; do nvcc "${flags[@]}" -x cu -c "$src/tensor/gpu/$f.hip" -o "$out/$f.o" & done
nvcc "${flags[@]}" -x cu -c "$here/nn_gpu_check.cu" -o "$out/check.o" &
nvcc "${flags[@]}" -x c++ -c "$src/tensor/host/nn.cc" -o "$out/host.o" &
wait
nvcc "${flags[@]}" "$out"/*.o -o "$out/nn_gpu_check"
"$out/nn_gpu_check" "$@"
