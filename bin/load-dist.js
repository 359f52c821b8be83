// Loads the compiled CLI (dist/main.cjs, one CommonJS file) with V8's code cache (dist/main.cjs.cache,
// written by scripts/build.mjs after a warm-up run). Node 20 has no compile cache for ES modules, and
// compiling ~2 MB of JavaScript on every start costs more than the json-only render itself; with the
// cache V8 deserialises the functions a run needs instead of parsing and compiling them again. A cache
// that does not fit (another Node, other V8 flags, a rebuilt file) is rejected by V8 and the file is
// compiled as usual: the cache changes the speed, never the behaviour.
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

export function loadDist(file) {
  const source = readFileSync(file, 'utf8');
  let cachedData;
  try {
    cachedData = readFileSync(`${file}.cache`);
  } catch {
    // no cache (a build whose warm-up failed): compile
  }
  const script = new Script(Module.wrap(source), { filename: file, cachedData });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dirname(file));
  return {
    exports: module.exports,
    main: module.exports.main,
    cacheRejected: cachedData === undefined || script.cachedDataRejected === true,
    // the cache as of now: after a run it also holds the functions that run compiled
    createCache: () => script.createCachedData(),
  };
}

// dist/main.cjs loads dist/ssh.cjs (the SSH library, when a command connects) through this same
// loader, found here: a CommonJS bundle cannot import this ES module itself.
globalThis[Symbol.for('pveaudit.loadDist')] = loadDist;
