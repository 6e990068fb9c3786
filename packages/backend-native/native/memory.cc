// Zero-copy views of process memory: an external ArrayBuffer over [addr, addr + length) that JS
// reads and writes directly, and the detach that must precede every munmap (or break lowering) so a
// stale view throws in JS instead of faulting the process. Never allocates, frees or maps memory.
#include "addon.h"

namespace osmem {

namespace {

// An external ArrayBuffer over memory the caller vouches is mapped read/write; no finalizer, because
// the memory belongs to the backend, not to the buffer. The caller must detach it before unmapping.
Napi::Value CreateView(const Napi::CallbackInfo& info) {
  const std::uintptr_t addr = ArgAddress(info, 0, "addr");
  const std::size_t length = ArgAddress(info, 1, "lengthBytes");
  if (addr == 0 || length == 0) throw Napi::TypeError::New(info.Env(), "a view needs a non-null address and a length");
  Napi::ArrayBuffer view = Napi::ArrayBuffer::New(info.Env(), reinterpret_cast<void*>(addr), length);
  DataOf(info).views_created += 1;
  return view;
}

// napi_detach_arraybuffer: every typed array and DataView over the buffer drops to length 0.
// Detaching twice is a no-op.
Napi::Value DetachView(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsArrayBuffer()) throw Napi::TypeError::New(info.Env(), "view must be an ArrayBuffer");
  Napi::ArrayBuffer view = info[0].As<Napi::ArrayBuffer>();
  if (!view.IsDetached()) {
    view.Detach();
    DataOf(info).views_detached += 1;
  }
  return info.Env().Undefined();
}

// How many views this environment created and detached, for tests and diagnostics.
Napi::Value ViewCounts(const Napi::CallbackInfo& info) {
  Napi::Object counts = Napi::Object::New(info.Env());
  counts.Set("created", DataOf(info).views_created);
  counts.Set("detached", DataOf(info).views_detached);
  return counts;
}

}  // namespace

void RegisterMemory(Napi::Env env, Napi::Object exports) {
  exports.Set("createView", Napi::Function::New(env, CreateView, "createView"));
  exports.Set("detachView", Napi::Function::New(env, DetachView, "detachView"));
  exports.Set("viewCounts", Napi::Function::New(env, ViewCounts, "viewCounts"));
}

}  // namespace osmem
