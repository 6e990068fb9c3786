// Module entry of the osmem native addon: creates the per-environment instance data and registers the
// functions of syscalls.cc and memory.cc. Also hosts the argument validators and result builders they
// share. No globals: a second environment (a worker thread) gets its own AddonData.
#include <unistd.h>

#include <cmath>

#include "addon.h"

namespace osmem {

namespace {

constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  const long page_size = sysconf(_SC_PAGESIZE);
  data->page_size = page_size > 0 ? static_cast<std::size_t>(page_size) : 4096;
  env.SetInstanceData(data);  // deleted by node-addon-api when the environment is torn down
  exports.Set("pageSize", Napi::Number::New(env, static_cast<double>(data->page_size)));
  RegisterSyscalls(env, exports);
  RegisterMemory(env, exports);
  return exports;
}

AddonData& DataOf(const Napi::CallbackInfo& info) { return *info.Env().GetInstanceData<AddonData>(); }

std::uintptr_t ArgAddress(const Napi::CallbackInfo& info, std::size_t index, const char* what) {
  if (info.Length() <= index || !info[index].IsNumber()) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a number");
  }
  const double value = info[index].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(value) || value < 0 || value >= kMaxExactInteger || std::floor(value) != value) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be an integer in [0, 2^53)");
  }
  return static_cast<std::uintptr_t>(value);
}

bool ArgBool(const Napi::CallbackInfo& info, std::size_t index, const char* what) {
  if (info.Length() <= index || !info[index].IsBoolean()) {
    throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a boolean");
  }
  return info[index].As<Napi::Boolean>().Value();
}

Napi::Object OkResult(Napi::Env env, double value) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("ok", true);
  result.Set("value", value);
  return result;
}

Napi::Object ErrnoResult(Napi::Env env, int error_number) {
  Napi::Object result = Napi::Object::New(env);
  result.Set("ok", false);
  result.Set("errno", error_number);
  return result;
}

}  // namespace osmem

namespace {

// NODE_API_MODULE pastes the name into an identifier, so it needs an unqualified one.
Napi::Object InitOsmemNative(Napi::Env env, Napi::Object exports) { return osmem::Init(env, exports); }

}  // namespace

NODE_API_MODULE(osmem_native, InitOsmemNative)
