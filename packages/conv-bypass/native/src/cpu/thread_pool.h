// A process-wide pool of worker threads for the CPU convolution. One ParallelFor runs at a time
// (concurrent calls, e.g. from several async workers, queue on a mutex), so a convolution always gets
// every configured thread and the machine is never oversubscribed by our own calls.
#pragma once

#include <cstdint>
#include <functional>

namespace rocm_patch::cpu {

class ThreadPool {
 public:
  static ThreadPool& Get();

  // Number of threads a ParallelFor uses, the calling thread included. The pool may be resized (from
  // JavaScript, on the main thread) at any moment between two ParallelFor calls of one convolution, so a
  // caller that sizes per-worker buffers from this must pass the same number as max_workers below.
  int Threads();
  // Resizes the pool (n >= 1). Waits for a running ParallelFor to finish; later ones use the new size.
  void SetThreads(int n);

  // Runs fn(i, worker) for every i in [0, count); worker is in [0, min(Threads(), max_workers)) and no
  // two calls with the same worker overlap, so per-worker scratch buffers need no locking. The first
  // exception thrown by fn is rethrown here once every thread has stopped.
  void ParallelFor(int64_t count, const std::function<void(int64_t, int)>& fn, int max_workers = kAnyWorkers);
  static constexpr int kAnyWorkers = 1 << 30;

  // Threads this process may run on (CPU affinity), the default size of the pool.
  static int DefaultThreads();

  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

 private:
  ThreadPool();
  struct State;
  State* state_;
};

}  // namespace rocm_patch::cpu
