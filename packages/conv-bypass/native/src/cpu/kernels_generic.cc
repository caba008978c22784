// Baseline kernel (SSE2 on x86-64, NEON or scalar elsewhere) and the run-time choice between kernels.
#include <cstdlib>
#include <mutex>

#include "cpu/kernels.h"
#include "cpu/kernels_impl.h"

namespace rocm_patch::cpu {

const GemmKernel& GenericKernel() {
  static const GemmKernel k{"generic", 4, 8, &detail::MicroKernel<4, 4, 2>};
  return k;
}

namespace {

const GemmKernel* KernelByName(const std::string& isa) {
#if defined(ROCM_PATCH_X86_KERNELS)
  __builtin_cpu_init();
  if (isa == "avx512" && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw"))
    return &Avx512Kernel();
  if (isa == "avx2" && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return &Avx2Kernel();
#endif
  if (isa == "generic") return &GenericKernel();
  return nullptr;
}

std::mutex g_mu;
const GemmKernel* g_active = nullptr;

}  // namespace

std::vector<std::string> AvailableIsas() {
  std::vector<std::string> out;
  for (const char* isa : {"avx512", "avx2", "generic"})
    if (KernelByName(isa)) out.emplace_back(isa);
  return out;
}

const GemmKernel& ActiveKernel() {
  std::lock_guard<std::mutex> lock(g_mu);
  if (!g_active) {
    const char* env = std::getenv("ROCM_PATCH_CPU_ISA");
    if (env) g_active = KernelByName(env);
    if (!g_active) g_active = KernelByName(AvailableIsas().front());
  }
  return *g_active;
}

bool SetIsa(const std::string& isa) {
  const GemmKernel* k = KernelByName(isa);
  if (!k) return false;
  std::lock_guard<std::mutex> lock(g_mu);
  g_active = k;
  return true;
}

}  // namespace rocm_patch::cpu
