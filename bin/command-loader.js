'use strict';
// Runs a command bundle (dist/commands/<name>.js, made by `npm run build`: tools/build/command-bundles.ts) with a V8
// code cache beside it (<name>.js.v8-cache), so a command's modules are not compiled again on every start. The cache
// is written at the first run's exit (the build does that run) and again whenever V8 rejects it (another Node
// version, other V8 flags); where dist/ is read-only the command simply compiles. Usage: command-loader.js FILE ARGS.
const { readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

/** Runs `file` as the main module of a command with `args` as its arguments. */
function runBundle(file, args) {
  const cacheFile = `${file}.v8-cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    // At exit every module has run and the functions it called are compiled: all of that goes into the cache.
    process.once('exit', () => {
      const partial = `${cacheFile}.${process.pid}`;
      try {
        writeFileSync(partial, script.createCachedData());
        renameSync(partial, cacheFile);
      } catch {
        rmSync(partial, { force: true });
      }
    });
  }
  const mod = new Module(file, null);
  mod.filename = file;
  process.argv = [process.argv[0], file, ...args];
  script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
}

module.exports = { runBundle };

if (require.main === module) runBundle(path.resolve(process.argv[2]), process.argv.slice(3));
