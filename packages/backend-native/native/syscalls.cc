// Thin wrappers over the process-level calls the backend needs: glibc's brk/sbrk, anonymous
// mmap/munmap/mprotect/madvise, a marker write for strace and RLIMIT_DATA. Each validates its arguments
// (TypeError), makes exactly one libc call and returns { ok, value | errno }. No policy lives here:
// which ranges may be unmapped or where the break may go is decided in TypeScript.
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <limits>
#include <string>

#include "addon.h"

namespace osmem {

namespace {

void* AsPointer(std::uintptr_t addr) { return reinterpret_cast<void*>(addr); }

double AsNumber(const void* pointer) { return static_cast<double>(reinterpret_cast<std::uintptr_t>(pointer)); }

// glibc's brk(): brk(0) issues the syscall (refreshing glibc's cached break) and succeeds; any other
// address moves the break there or fails with ENOMEM. Either way the answer is glibc's view, sbrk(0).
Napi::Value Brk(const Napi::CallbackInfo& info) {
  void* const requested = AsPointer(ArgAddress(info, 0, "addr"));
  if (brk(requested) != 0) return ErrnoResult(info.Env(), errno);
  return OkResult(info.Env(), AsNumber(sbrk(0)));
}

// sbrk(0): glibc's cached break, no syscall. Kept current by every brk() and sbrk() in the process.
Napi::Value PeekBreak(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), AsNumber(sbrk(0))); }

// mmap(NULL, length, prot, MAP_PRIVATE | MAP_ANONYMOUS [| MAP_NORESERVE], -1, 0). `writable` picks
// PROT_READ | PROT_WRITE; otherwise PROT_NONE with MAP_NORESERVE (an address-space reservation).
Napi::Value Mmap(const Napi::CallbackInfo& info) {
  const std::size_t length = ArgAddress(info, 0, "lengthBytes");
  const bool writable = ArgBool(info, 1, "writable");
  const int prot = writable ? PROT_READ | PROT_WRITE : PROT_NONE;
  const int flags = MAP_PRIVATE | MAP_ANONYMOUS | (writable ? 0 : MAP_NORESERVE);
  void* const addr = mmap(nullptr, length, prot, flags, -1, 0);
  if (addr == MAP_FAILED) return ErrnoResult(info.Env(), errno);
  return OkResult(info.Env(), AsNumber(addr));
}

Napi::Value Munmap(const Napi::CallbackInfo& info) {
  void* const addr = AsPointer(ArgAddress(info, 0, "addr"));
  const std::size_t length = ArgAddress(info, 1, "lengthBytes");
  if (munmap(addr, length) != 0) return ErrnoResult(info.Env(), errno);
  return OkResult(info.Env(), 0);
}

// mprotect to PROT_READ | PROT_WRITE (`writable`) or PROT_NONE.
Napi::Value Mprotect(const Napi::CallbackInfo& info) {
  void* const addr = AsPointer(ArgAddress(info, 0, "addr"));
  const std::size_t length = ArgAddress(info, 1, "lengthBytes");
  const int prot = ArgBool(info, 2, "writable") ? PROT_READ | PROT_WRITE : PROT_NONE;
  if (mprotect(addr, length, prot) != 0) return ErrnoResult(info.Env(), errno);
  return OkResult(info.Env(), 0);
}

// madvise(MADV_DONTNEED): private anonymous pages are dropped and read as zero when next touched.
Napi::Value Discard(const Napi::CallbackInfo& info) {
  void* const addr = AsPointer(ArgAddress(info, 0, "addr"));
  const std::size_t length = ArgAddress(info, 1, "lengthBytes");
  if (madvise(addr, length, MADV_DONTNEED) != 0) return ErrnoResult(info.Env(), errno);
  return OkResult(info.Env(), 0);
}

// write(-1, label, length): fails with EBADF and touches nothing, but strace shows the label.
Napi::Value TraceMarker(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(info.Env(), "label must be a string");
  const std::string label = info[0].As<Napi::String>().Utf8Value();
  const ssize_t written = write(-1, label.data(), label.size());
  return Napi::Number::New(info.Env(), static_cast<double>(written));
}

double LimitToNumber(rlim_t limit) {
  if (limit == RLIM_INFINITY) return std::numeric_limits<double>::infinity();
  return static_cast<double>(limit);
}

// getrlimit(RLIMIT_DATA) as { soft, hard } in bytes; Infinity for RLIM_INFINITY.
Napi::Value GetDataLimit(const Napi::CallbackInfo& info) {
  struct rlimit limit {};
  if (getrlimit(RLIMIT_DATA, &limit) != 0) return ErrnoResult(info.Env(), errno);
  Napi::Object value = Napi::Object::New(info.Env());
  value.Set("soft", LimitToNumber(limit.rlim_cur));
  value.Set("hard", LimitToNumber(limit.rlim_max));
  Napi::Object result = Napi::Object::New(info.Env());
  result.Set("ok", true);
  result.Set("value", value);
  return result;
}

// setrlimit(RLIMIT_DATA) with a new soft limit in bytes (Infinity = RLIM_INFINITY); hard unchanged.
Napi::Value SetDataLimit(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsNumber()) throw Napi::TypeError::New(info.Env(), "bytes must be a number");
  const double bytes = info[0].As<Napi::Number>().DoubleValue();
  const bool infinite = std::isinf(bytes) && bytes > 0;
  if (!infinite) ArgAddress(info, 0, "bytes");
  struct rlimit limit {};
  if (getrlimit(RLIMIT_DATA, &limit) != 0) return ErrnoResult(info.Env(), errno);
  limit.rlim_cur = infinite ? RLIM_INFINITY : static_cast<rlim_t>(bytes);
  if (setrlimit(RLIMIT_DATA, &limit) != 0) return ErrnoResult(info.Env(), errno);
  return OkResult(info.Env(), 0);
}

}  // namespace

void RegisterSyscalls(Napi::Env env, Napi::Object exports) {
  exports.Set("brk", Napi::Function::New(env, Brk, "brk"));
  exports.Set("peekBreak", Napi::Function::New(env, PeekBreak, "peekBreak"));
  exports.Set("mmap", Napi::Function::New(env, Mmap, "mmap"));
  exports.Set("munmap", Napi::Function::New(env, Munmap, "munmap"));
  exports.Set("mprotect", Napi::Function::New(env, Mprotect, "mprotect"));
  exports.Set("discard", Napi::Function::New(env, Discard, "discard"));
  exports.Set("traceMarker", Napi::Function::New(env, TraceMarker, "traceMarker"));
  exports.Set("getDataLimit", Napi::Function::New(env, GetDataLimit, "getDataLimit"));
  exports.Set("setDataLimit", Napi::Function::New(env, SetDataLimit, "setDataLimit"));
}

}  // namespace osmem
