#include "cpu/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif

namespace rocm_patch::cpu {

struct ThreadPool::State {
  std::mutex run_mu;  // one ParallelFor (or resize) at a time
  std::mutex mu;
  std::condition_variable work_cv, done_cv;
  std::vector<std::thread> workers;
  uint64_t generation = 0;
  bool stop = false;
  const std::function<void(int64_t, int)>* job = nullptr;
  int64_t count = 0;
  int max_workers = 0;  // workers with an index at or past this sit the job out
  std::atomic<int64_t> next{0};
  int active = 0;
  std::exception_ptr error;

  void RunItems(int worker) {
    for (int64_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) {
      try {
        (*job)(i, worker);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!error) error = std::current_exception();
        next.store(count);  // stop handing out items
      }
    }
  }

  // `seen` starts at the generation current when the worker is created: a worker added by a resize
  // must not take the last finished job for a new one (it would run items of, and count itself off,
  // a job it was never counted in, letting ParallelFor return while others still run its items).
  void WorkerLoop(int worker, uint64_t seen) {
    for (;;) {
      bool take_part;
      {
        std::unique_lock<std::mutex> lock(mu);
        work_cv.wait(lock, [&] { return stop || generation != seen; });
        if (stop) return;
        seen = generation;
        take_part = worker < max_workers;
      }
      if (take_part) RunItems(worker);
      std::lock_guard<std::mutex> lock(mu);
      if (--active == 0) done_cv.notify_one();
    }
  }

  // Called with run_mu held (no job in flight).
  void Start(int threads) {
    uint64_t current;
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = false;
      current = generation;
    }
    for (int t = 1; t < threads; ++t) workers.emplace_back([this, t, current] { WorkerLoop(t, current); });
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
    }
    work_cv.notify_all();
    for (auto& t : workers) t.join();
    workers.clear();
  }
};

int ThreadPool::DefaultThreads() {
  if (const char* env = std::getenv("ROCM_PATCH_CPU_THREADS")) {
    int n = std::atoi(env);
    if (n >= 1 && n <= 1024) return n;
  }
#if defined(__linux__)
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return std::max(1, CPU_COUNT(&set));
#endif
  return std::max(1u, std::thread::hardware_concurrency());
}

// The pool lives for the whole process (it is never destroyed: idle workers wait on a condition
// variable, and joining threads from static destructors at exit is a known source of hangs).
ThreadPool& ThreadPool::Get() {
  static ThreadPool* pool = new ThreadPool();
  return *pool;
}

ThreadPool::ThreadPool() : state_(new State()) { state_->Start(DefaultThreads()); }

int ThreadPool::Threads() {
  std::lock_guard<std::mutex> lock(state_->mu);
  return static_cast<int>(state_->workers.size()) + 1;
}

void ThreadPool::SetThreads(int n) {
  n = std::max(1, n);
  std::lock_guard<std::mutex> run(state_->run_mu);
  if (static_cast<int>(state_->workers.size()) + 1 == n) return;
  state_->Stop();
  state_->Start(n);
}

void ThreadPool::ParallelFor(int64_t count, const std::function<void(int64_t, int)>& fn, int max_workers) {
  if (count <= 0) return;
  State& s = *state_;
  std::lock_guard<std::mutex> run(s.run_mu);
  if (count == 1 || s.workers.empty() || max_workers <= 1) {
    for (int64_t i = 0; i < count; ++i) fn(i, 0);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(s.mu);
    s.job = &fn;
    s.count = count;
    s.max_workers = max_workers;
    s.next.store(0);
    s.active = static_cast<int>(s.workers.size());
    s.error = nullptr;
    ++s.generation;
  }
  s.work_cv.notify_all();
  s.RunItems(0);
  std::unique_lock<std::mutex> lock(s.mu);
  s.done_cv.wait(lock, [&] { return s.active == 0; });
  s.job = nullptr;
  if (s.error) {
    std::exception_ptr e = s.error;
    s.error = nullptr;
    std::rethrow_exception(e);
  }
}

}  // namespace rocm_patch::cpu
