// Host-side C++ API of the GPU backend. Plain C++: bindings.cc and the harness include it without any
// vendor header, and the .hip files implement it. Every call validates sizes before touching memory
// and reports failures as a Status (never throws, never aborts).
#pragma once

#include <cstddef>
#include <string>

#include "common/status.h"

namespace rocm_patch {
namespace gpu {

// The convolution geometry the launchers take (the JS layer has validated it and resolved padding;
// bindings.cc fills it from the shared ConvParams).
struct ConvGeometry {
  int N = 0, C = 0, H = 0, W = 0;  // input NCHW
  int K = 0, R = 0, S = 0;         // filter KCRS (C/groups channels per filter)
  int P = 0, Q = 0;                // output height/width
  int strideH = 1, strideW = 1;
  int padTop = 0, padLeft = 0;     // bottom/right are implied by P and Q
  int dilationH = 1, dilationW = 1;
  int groups = 1;
};

using Status = rocm_patch::Status;

struct DeviceInfo {
  std::string name;
  std::string arch;     // e.g. "sm_90" or "gfx1010"
  std::string backend;  // "hip" or "cuda"
  size_t totalMemory = 0;
  size_t freeMemory = 0;
  int multiprocessors = 0;
  int waveSize = 0;
  int runtimeVersion = 0;
};

enum class ForwardAlgo { kImplicitGemm = 0, kUnfoldGemm = 1 };
enum class Op { kForward = 0, kBackwardData = 1, kBackwardFilter = 2 };

const char* backendName();
// True when a device is usable; otherwise *why says what is missing (no driver, no device, ...).
bool isAvailable(std::string* why);
Status deviceInfo(DeviceInfo* out);

Status allocate(size_t count, float** out);  // count floats
void release(float* p);
Status copyToDevice(float* dst, const float* src, size_t count);
Status copyToHost(float* dst, const float* src, size_t count);
Status copyOnDevice(float* dst, const float* src, size_t count);
Status synchronize(const char* what);
// dst[0 .. count) = value, enqueued on the stream.
Status fill(float* dst, float value, size_t count);
Status memoryInfo(size_t* freeBytes, size_t* totalBytes);

// The operations enqueue work and return; a later synchronize() reports asynchronous failures.
// *extraBytes (optional) receives the device workspace the call needed beyond its inputs/outputs.
Status conv2dForward(const ConvGeometry& g, const float* x, const float* w, const float* bias, bool relu,
                     float* y, ForwardAlgo algo, size_t* extraBytes);
Status conv2dBackwardData(const ConvGeometry& g, const float* dy, const float* w, float* dx, size_t* extraBytes);
Status conv2dBackwardFilter(const ConvGeometry& g, const float* dy, const float* x, float* dw,
                            size_t* extraBytes);

// Median time in ms of `iters` runs of one operation on device buffers (device events around each
// run, after warm-up) — the same method torch_conv_ref.py uses for cuDNN, for the benchmark.
// Buffers: forward (x, w, y), backward-data (dy, w, dx), backward-filter (dy, x, dw).
Status timeOp(Op op, ForwardAlgo algo, const ConvGeometry& g, const float* a, const float* b, float* out,
              int iters, double* medianMs);

// The workspace cache (split-K planes, unfold buffer, transposed filter) grows to the largest need
// and is kept between calls; releaseWorkspace() gives it back.
size_t workspaceBytes();
void releaseWorkspace();

// "x=[N,C,H,W] w=[...] ..." for error messages.
std::string describe(const ConvGeometry& g);

// Tuning only (the harness's `tune` mode): forces the forward implicit GEMM's tile configuration
// (index into its table, -1 = the cost model) and split-K factor (0 = the cost model).
void setForwardTileOverride(int config, int splits);

// Checks a geometry for the kernels' limits (32-bit indexing); empty when fine.
std::string checkGeometry(const ConvGeometry& g);

}  // namespace gpu
}  // namespace rocm_patch
