// The package's `install` script: loads a prebuilt addon or compiles one with node-gyp (through
// node-gyp-build), and never fails the surrounding install. Without a working addon the package still
// installs; `isNativeBackendAvailable()` then reports false and says why. Build output goes to
// build/install.log so a failure costs the installing user exactly one warning line.
"use strict";

const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const packageRoot = path.resolve(__dirname, "..");
const logPath = path.join(packageRoot, "build", "install.log");

/** Prints the single warning line and leaves with success, as promised to the installer. */
function giveUp(reason) {
  process.stderr.write(`@osmem/backend-native: native addon not built (${reason}); the native backend will be unavailable\n`);
  process.exit(0);
}

if (process.platform !== "linux") giveUp(`unsupported platform ${process.platform}-${process.arch}`);

let builderBin;
try {
  builderBin = require.resolve("node-gyp-build/bin.js", { paths: [packageRoot] });
} catch {
  giveUp("node-gyp-build is not installed");
}

/**
 * Builds against the running Node's own headers when they are installed beside it (distribution
 * packages and the official tarballs ship include/node), so a compile needs no download. An explicit
 * npm_config_nodedir wins.
 */
function buildEnvironment() {
  const env = { ...process.env };
  const prefix = path.resolve(path.dirname(process.execPath), "..");
  if (!env.npm_config_nodedir && fs.existsSync(path.join(prefix, "include", "node", "node_api.h"))) {
    env.npm_config_nodedir = prefix;
  }
  return env;
}

const run = spawnSync(process.execPath, [builderBin], { cwd: packageRoot, encoding: "utf8", env: buildEnvironment() });
try {
  fs.mkdirSync(path.dirname(logPath), { recursive: true });
  fs.writeFileSync(logPath, `${run.stdout ?? ""}${run.stderr ?? ""}`);
} catch {
  // The log is a convenience; failing to write it must not fail the install.
}
if (run.error) giveUp(run.error.message);
if (run.status !== 0) giveUp(`node-gyp-build exited with ${run.status ?? run.signal}; see ${logPath}`);
