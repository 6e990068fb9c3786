// Shared declarations of the osmem native addon: the per-environment instance data, the argument
// validators every wrapper uses, and the registration functions addon.cc calls from Init.
// Holds no state of its own: everything mutable lives in AddonData, one per Node environment.
#ifndef OSMEM_NATIVE_ADDON_H_
#define OSMEM_NATIVE_ADDON_H_

#include <napi.h>

#include <cstddef>
#include <cstdint>

namespace osmem {

// Per-environment state (worker threads each get their own). Counters only: the addon keeps no
// record of regions; the TypeScript side owns all bookkeeping.
struct AddonData {
  std::size_t page_size = 0;
  double views_created = 0;
  double views_detached = 0;
};

// The instance data of the calling environment; set by Init before any function can run.
AddonData& DataOf(const Napi::CallbackInfo& info);

// Argument `index` as an address or a length: a non-negative integral number below 2^53.
// Throws a TypeError naming `what` otherwise.
std::uintptr_t ArgAddress(const Napi::CallbackInfo& info, std::size_t index, const char* what);

// Argument `index` as a boolean; throws a TypeError naming `what` otherwise.
bool ArgBool(const Napi::CallbackInfo& info, std::size_t index, const char* what);

// `{ ok: true, value }` and `{ ok: false, errno }`: the result shape of every syscall wrapper.
Napi::Object OkResult(Napi::Env env, double value);
Napi::Object ErrnoResult(Napi::Env env, int error_number);

// Creates the instance data and registers every function on `exports`.
Napi::Object Init(Napi::Env env, Napi::Object exports);

void RegisterSyscalls(Napi::Env env, Napi::Object exports);
void RegisterMemory(Napi::Env env, Napi::Object exports);

}  // namespace osmem

#endif  // OSMEM_NATIVE_ADDON_H_
