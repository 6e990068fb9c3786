# One target: the thin addon behind @osmem/backend-native. C++17, hidden visibility, NAPI_VERSION 8,
# node-addon-api with C++ exceptions (an argument error becomes a JS TypeError). Linux only: it calls
# glibc's brk/sbrk. node-addon-api is used through its include_dir plus the settings of its except.gypi
# rather than as a gyp dependency: under pnpm its `targets` path leaves the package (../../node_modules/
# .pnpm/...), and gyp would then write the dependency's makefiles outside build/.
{
  "targets": [
    {
      "target_name": "osmem_native",
      "sources": ["native/addon.cc", "native/syscalls.cc", "native/memory.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags": ["-fvisibility=hidden", "-Wall", "-Wextra"],
      "cflags_cc": ["-std=c++17", "-fvisibility=hidden", "-fexceptions", "-Wall", "-Wextra"]
    }
  ]
}
