#include "device/context.h"

#include <cstdlib>
#include <mutex>
#include <sstream>

namespace rocm_patch {
namespace device {

// ---- buffers ------------------------------------------------------------------------------------

namespace {
constexpr double kSlotSpan = 16777216.0;  // 2^24
constexpr uint32_t kMaxGeneration = (1u << 28) - 1;
}  // namespace

double BufferTable::add(void* p, size_t bytes) {
  uint32_t slot;
  if (!freeSlots_.empty()) {
    slot = freeSlots_.back();
    freeSlots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.push_back(Buffer{});
  }
  Buffer& b = slots_[slot];
  b.ptr = p;
  b.bytes = bytes;
  b.generation = b.generation >= kMaxGeneration ? 1 : b.generation + 1;
  b.live = true;
  ++live_;
  return static_cast<double>(b.generation) * kSlotSpan + slot;
}

Buffer* BufferTable::get(double id) {
  if (!(id >= 0) || id >= 9007199254740992.0) return nullptr;
  const uint64_t v = static_cast<uint64_t>(id);
  if (static_cast<double>(v) != id) return nullptr;
  const uint64_t slot = v & 0xFFFFFFu, gen = v >> 24;
  if (slot >= slots_.size()) return nullptr;
  Buffer& b = slots_[slot];
  return b.live && b.generation == gen ? &b : nullptr;
}

bool BufferTable::remove(double id, Buffer* out) {
  Buffer* b = get(id);
  if (b == nullptr) return false;
  *out = *b;
  b->live = false;
  b->ptr = nullptr;
  b->bytes = 0;
  --live_;
  freeSlots_.push_back(static_cast<uint32_t>(static_cast<uint64_t>(id) & 0xFFFFFFu));
  return true;
}

// ---- context ------------------------------------------------------------------------------------

namespace {
Context* g_context = nullptr;
}

Context::Context(Runtime* rt)
    : rt_(rt), alloc_(allocatorFor(rt)), staging_(rt), log_(kLogSize, -1) {
  names_.push_back("(unnamed)");
}

Context* Context::get() { return g_context; }

Status Context::init(bool host, Context** out) {
  *out = nullptr;
  if (g_context != nullptr) {
    if (g_context->rt_->isHost() != host) {
      return usageStatus(std::string("the device is already initialised as ") + g_context->rt_->kind() +
                         "; one device per process");
    }
    *out = g_context;
    return Status{};
  }
  Runtime* rt = nullptr;
  if (host) {
    rt = hostRuntime();
  } else {
#ifdef ROCM_PATCH_WITH_GPU
    std::string why;
    rt = gpuRuntime(&why);
    if (rt == nullptr) return usageStatus(why);
#else
    return usageStatus("this build of the native addon has no GPU backend");
#endif
  }
  auto* c = new Context(rt);  // lives as long as the process
  void* rec = nullptr;
  Status s = c->alloc_->allocate(sizeof(ErrorRecord), &rec);
  if (!s.ok()) {
    delete c;
    return s;
  }
  c->record_ = static_cast<ErrorRecord*>(rec);
  s = rt->fill32(rec, 0, sizeof(ErrorRecord) / 4);
  if (s.ok()) s = rt->synchronize();
  if (!s.ok()) {
    delete c;
    return s;
  }
  const char* blocking = std::getenv("ROCM_PATCH_LAUNCH_BLOCKING");
  c->launchBlocking_ = blocking != nullptr && blocking[0] == '1';
  g_context = c;
  *out = c;
  return Status{};
}

int Context::registerName(const std::string& name) {
  for (size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == name) return static_cast<int>(i);
  names_.push_back(name);
  return static_cast<int>(names_.size() - 1);
}

const std::string& Context::name(int id) const {
  return id >= 0 && static_cast<size_t>(id) < names_.size() ? names_[id] : names_[0];
}

Status Context::allocBuffer(size_t bytes, int nameId, double* id) {
  *id = -1;
  if (rt_->lost()) return faultStatus(usageStatus("the device failed earlier"));
  void* p = nullptr;
  Status s = alloc_->allocate(bytes, &p);
  if (!s.ok()) {
    s.message = name(nameId) + ": " + s.message;
    return s;
  }
  *id = buffers_.add(p, bytes);
  return Status{};
}

void Context::freeBuffer(double id) {
  Buffer b;
  if (buffers_.remove(id, &b)) alloc_->free(b.ptr);
}

ErrorSink Context::beginLaunch(int nameId) {
  ++seq_;
  if (seq_ == 0) seq_ = 1;  // 0 means "no launch" in the record
  log_[seq_ % kLogSize] = nameId;
  return ErrorSink{record_, seq_};
}

Status Context::endLaunch(int nameId, Status s) {
  if (s.ok()) s = rt_->lastLaunchError();
  if (!s.ok()) {
    if (s.message.rfind(name(nameId), 0) != 0) s.message = name(nameId) + ": " + s.message;
    return s;
  }
  if (launchBlocking_) return synchronize();
  return Status{};
}

std::string Context::describeSince(uint32_t fromSeq) const {
  // The distinct kernels enqueued after fromSeq, most recent last (at most the log's length).
  std::ostringstream m;
  const uint32_t count = seq_ - fromSeq;
  const uint32_t shown = count > kLogSize ? kLogSize : count;
  std::vector<std::string> seen;
  for (uint32_t i = seq_ - shown + 1; i != seq_ + 1; ++i) {
    const std::string& n = name(log_[i % kLogSize]);
    bool dup = false;
    for (const std::string& s : seen) dup = dup || s == n;
    if (!dup) seen.push_back(n);
  }
  m << count << " kernel launch" << (count == 1 ? "" : "es") << " since the last synchronisation (";
  const size_t first = seen.size() > 8 ? seen.size() - 8 : 0;
  for (size_t i = first; i < seen.size(); ++i) m << (i > first ? ", " : "") << seen[i];
  m << ")";
  return m.str();
}

Status Context::faultStatus(const Status& s) {
  Status f = s;
  std::ostringstream m;
  m << s.message << ": a device fault in one of the " << describeSince(syncedSeq_)
    << ". The GPU context cannot be used any more: restart the process. Run with "
       "ROCM_PATCH_LAUNCH_BLOCKING=1 to name the kernel that failed (every launch then waits for the GPU).";
  f.message = m.str();
  return f;
}

Status Context::checkCaptured(const ErrorRecord& rec) {
  if (rec.code == kNoError) return Status{};
  // Which kernel: the log remembers the last kLogSize launches.
  std::string who = "a kernel";
  if (rec.seq != 0 && seq_ - rec.seq < kLogSize) who = name(log_[rec.seq % kLogSize]);
  std::ostringstream m;
  m << who << ": ";
  switch (rec.code) {
    case kIndexOutOfRange:
      // TF.js's own wording (tfjs-backend-cpu's GatherV2 check), so its tests' messages match.
      m << "the index value " << rec.value << " is not in [0, " << rec.limit - 1 << "]";
      break;
    case kNegativeSize:
      m << "a size computed from the data is negative (" << rec.value << ")";
      break;
    default:
      m << "device error " << rec.code << " (" << rec.value << ", " << rec.limit << ")";
  }
  m << " (found by the device, reported at the next synchronisation)";
  // Clear the record so the error is reported once.
  Status c = rt_->fill32(record_, 0, sizeof(ErrorRecord) / 4);
  if (c.ok()) c = rt_->synchronize();
  Status s;
  s.code = -2;
  s.message = m.str();
  return s;
}

Status Context::captureErrors(void* dst) { return rt_->copyToHost(dst, record_, sizeof(ErrorRecord)); }

Status Context::synchronize() {
  Status s = rt_->synchronize();
  if (!s.ok()) return faultStatus(s);
  ErrorRecord rec{};
  s = rt_->copyToHost(&rec, record_, sizeof(ErrorRecord));
  if (s.ok()) s = rt_->synchronize();
  if (!s.ok()) return faultStatus(s);
  syncedSeq_ = seq_;
  return checkCaptured(rec);
}

}  // namespace device
}  // namespace rocm_patch
