// GEMM: ours (native/src/cpu/gemm.cc, AVX-512 kernel) vs OpenBLAS cblas_sgemm, row-major C = A·B.
#include <cblas.h>
#include <time.h>
#include <cstdio>
#include <cstdlib>
#include <vector>
#include <algorithm>
#include "cpu/gemm.h"
#include "cpu/thread_pool.h"
using namespace rocm_patch::cpu;
static double now(clockid_t c) { timespec t; clock_gettime(c, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
extern "C" void openblas_set_num_threads(int);
int main(int argc, char** argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  clockid_t clk = threads == 1 ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC;
  ThreadPool::Get().SetThreads(threads);
  openblas_set_num_threads(threads);
  int shapes[][3] = {{64, 3136, 576}, {512, 392, 4608}, {32, 6400, 288}, {256, 3136, 64}, {16, 25600, 27}, {128, 784, 1152}, {64, 50176, 27}};
  for (auto& s : shapes) {
    int M = s[0], N = s[1], K = s[2];
    std::vector<float> A(size_t(M) * K), B(size_t(K) * N), C1(size_t(M) * N), C2(size_t(M) * N);
    for (auto& v : A) v = rand() / float(RAND_MAX) - 0.5f;
    for (auto& v : B) v = rand() / float(RAND_MAX) - 0.5f;
    GemmBatch g; g.m = M; g.n = N; g.k = K; g.ldc = N;
    g.pack_a = [&](int64_t, int64_t m0, int64_t ml, int64_t k0, int64_t kl, float* d, int mr) { PackARowMajor(A.data(), K, m0, ml, k0, kl, d, mr); };
    g.pack_b = [&](int64_t, int64_t k0, int64_t kl, int64_t n0, int64_t nl, float* d, int nr) { PackBRowMajor(B.data(), N, k0, kl, n0, nl, d, nr); };
    g.c = [&](int64_t) { return C1.data(); };
    auto best = [&](auto f) { double b = 1e9; for (int i = 0; i < 7; i++) { double t0 = now(clk); f(); b = std::min(b, now(clk) - t0); } return b; };
    double t1 = best([&] { RunGemm(g); });
    double t2 = best([&] { cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.f, A.data(), K, B.data(), N, 0.f, C2.data(), N); });
    double err = 0; for (size_t i = 0; i < C1.size(); i++) err = std::max(err, double(std::abs(C1[i] - C2[i])));
    double gf = 2.0 * M * N * K / 1e9;
    printf("M=%4d N=%6d K=%5d  ours %7.1f GFLOP/s  openblas %7.1f GFLOP/s  (max diff %.2g)\n", M, N, K, gf / t1, gf / t2, err);
  }
}
