'use strict';
// Sandbox Jobs JavaScript executor: one Node `vm` context driven over JSON lines.
//
// Protocol (see docs/code-interpreter.md): requests arrive on stdin, one JSON object per line;
// events leave on fd 3, one JSON object per line. Start it as
//   sh -c 'exec node javascript_executor.js 3>&1 1>&2'
// so that fd 3 is the exec's stdout and anything else writing to fd 1 (a child process with
// inherited stdio, say) lands on stderr instead of breaking the framing. Without fd 3 it falls
// back to fd 1 (handy by hand). console.* and process.stdout/stderr.write inside the context
// become stdout/stderr events.
//
// With --typescript it runs TypeScript: each cell goes through the TypeScript compiler's
// transpileModule (bundled in the image under ../lib/typescript; types are removed, not
// checked) and the JavaScript it gives runs as above. Syntax errors come back as SyntaxError.

const fs = require('fs');
const util = require('util');
const vm = require('vm');
const path = require('path');
const { createRequire } = require('module');

const PROTOCOL_VERSION = 1;
const TYPESCRIPT = process.argv.includes('--typescript');
// Loaded before `ready` so that the first cell does not wait for the compiler (about half a second).
const ts = TYPESCRIPT ? require(path.join(__dirname, '..', 'lib', 'typescript', 'typescript.js')) : null;
const TS_OPTIONS = ts && {
  target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true,
  isolatedModules: true, sourceMap: false, removeComments: false,
};

// TypeScript to JavaScript; throws a SyntaxError naming line and column for what does not parse.
function transpile(code, count) {
  if (!ts) return code;
  const out = ts.transpileModule(code, { compilerOptions: TS_OPTIONS, reportDiagnostics: true, fileName: `cell-${count}.ts` });
  const problems = (out.diagnostics || []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (problems.length > 0) {
    const lines = problems.map((d) => {
      const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
      if (d.file && d.start !== undefined) {
        const pos = d.file.getLineAndCharacterOfPosition(d.start);
        return `cell-${count}.ts:${pos.line + 1}:${pos.character + 1} - TS${d.code}: ${text}`;
      }
      return `TS${d.code}: ${text}`;
    });
    const error = new SyntaxError(lines[0].replace(/^[^ ]+ - /, ''));
    error.stack = ['SyntaxError: ' + error.message, ...lines.map((line) => '    at ' + line)].join('\n');
    throw error;
  }
  return out.outputText;
}
const protoFd = (() => {
  try {
    fs.fstatSync(3);
    return 3;
  } catch (e) {
    return 1;
  }
})();

let currentId = null;
let executionCount = 0;

function emit(event) {
  const line = Buffer.from(JSON.stringify(event) + '\n', 'utf8');
  let offset = 0;
  while (offset < line.length) {
    try {
      offset += fs.writeSync(protoFd, line, offset, line.length - offset);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
    }
  }
}

function output(stream, text) {
  if (text.length > 0) emit({ type: stream, id: currentId, text });
}

function makeConsole() {
  const out = (...args) => output('stdout', util.format(...args) + '\n');
  const err = (...args) => output('stderr', util.format(...args) + '\n');
  const counts = new Map();
  const timers = new Map();
  return {
    log: out, info: out, debug: out, trace: err, warn: err, error: err,
    dir: (value, options) => out(util.inspect(value, options)),
    table: (value) => out(util.inspect(value)),
    assert: (ok, ...args) => { if (!ok) err('Assertion failed' + (args.length ? ': ' + util.format(...args) : '')); },
    count: (label = 'default') => { counts.set(label, (counts.get(label) || 0) + 1); out(`${label}: ${counts.get(label)}`); },
    countReset: (label = 'default') => counts.delete(label),
    time: (label = 'default') => timers.set(label, process.hrtime.bigint()),
    timeEnd: (label = 'default') => {
      const start = timers.get(label);
      if (start !== undefined) out(`${label}: ${Number(process.hrtime.bigint() - start) / 1e6}ms`);
      timers.delete(label);
    },
    group: out, groupEnd: () => {},
  };
}

// process.stdout/stderr writes by the executor's own process (the context shares `process`).
for (const [name, stream] of [['stdout', process.stdout], ['stderr', process.stderr]]) {
  stream.write = (chunk, encoding, callback) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    output(name, text);
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done);
    return true;
  };
}

function resultData(value) {
  const data = { 'text/plain': util.inspect(value, { depth: 6, maxArrayLength: 200, breakLength: 100 }) };
  if (value !== null && typeof value === 'object' && !(value instanceof Error)) {
    try {
      const json = JSON.stringify(value);
      if (json !== undefined) data['application/json'] = JSON.parse(json);
    } catch (e) { /* cyclic or BigInt: text only */ }
  }
  return data;
}

const MIME_ALIASES = {
  text: 'text/plain', html: 'text/html', markdown: 'text/markdown', latex: 'text/latex',
  svg: 'image/svg+xml', png: 'image/png', jpeg: 'image/jpeg', json: 'application/json',
};

// display(value) shows a value as a rich result; display(data, 'html') or
// display({ 'text/html': '<b>x</b>' }, 'mime') emits the given representation.
function display(value, format) {
  let data;
  if (format === 'mime' && value && typeof value === 'object') {
    data = {};
    for (const [key, v] of Object.entries(value)) data[MIME_ALIASES[key] || key] = v;
  } else if (format) {
    const mime = MIME_ALIASES[format] || format;
    data = { [mime]: value };
    if (mime !== 'text/plain') data['text/plain'] = typeof value === 'string' ? value : util.inspect(value);
  } else {
    data = resultData(value);
  }
  emit({ type: 'result', id: currentId, data, isMainResult: false });
}

const sandboxConsole = makeConsole();
const contextGlobals = {
  console: sandboxConsole, display, process, Buffer, URL, URLSearchParams, TextEncoder, TextDecoder,
  setTimeout, clearTimeout, setInterval, clearInterval, setImmediate, clearImmediate, queueMicrotask,
  structuredClone, AbortController, AbortSignal, EventTarget, Event, atob, btoa,
  fetch: globalThis.fetch, Headers: globalThis.Headers, Request: globalThis.Request,
  Response: globalThis.Response, FormData: globalThis.FormData, Blob: globalThis.Blob,
  performance: globalThis.performance,
};
const context = vm.createContext(contextGlobals, { name: 'sandbox-jobs' });
function setRequire() {
  context.require = createRequire(path.join(process.cwd(), '__sandbox_jobs__.js'));
  context.module = { exports: {} };
  context.exports = context.module.exports;
  context.__dirname = process.cwd();
}
setRequire();

function errorEvent(id, error) {
  if (error instanceof Error || (error && typeof error === 'object' && 'message' in error)) {
    const stack = String(error.stack || `${error.name}: ${error.message}`);
    return { type: 'error', id, name: String(error.name || 'Error'), value: String(error.message),
      traceback: stack.split('\n').filter((line) => !/javascript_executor\.js|\(node:|at node:/.test(line)) };
  }
  return { type: 'error', id, name: 'Error', value: util.inspect(error), traceback: [] };
}

let pendingInterrupt = null;

async function execute(request) {
  const id = request.id;
  const timeout = request.timeout > 0 ? Math.floor(request.timeout) : undefined;
  currentId = id;
  executionCount += 1;
  const count = executionCount;
  let timedOut = false;
  try {
    const source = transpile(String(request.code || ''), count);
    const script = new vm.Script(source, { filename: ts ? `cell-${count}.ts.js` : `cell-${count}.js` });
    let value = script.runInContext(context, { timeout, breakOnSigint: true, displayErrors: false });
    if (value && typeof value.then === 'function') {
      let timer;
      const limits = [new Promise((resolve, reject) => { pendingInterrupt = reject; })];
      if (timeout) {
        limits.push(new Promise((resolve, reject) => {
          timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'ERR_SCRIPT_EXECUTION_TIMEOUT' })), timeout);
        }));
      }
      try {
        value = await Promise.race([value, ...limits]);
      } finally {
        clearTimeout(timer);
        pendingInterrupt = null;
      }
    }
    if (value !== undefined) emit({ type: 'result', id, data: resultData(value), isMainResult: true });
  } catch (error) {
    if (error && error.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      timedOut = true;
      emit({ type: 'error', id, name: 'TimeoutError',
        value: `Execution exceeded its timeout of ${timeout} ms and was interrupted; the context keeps its state.`,
        traceback: [] });
    } else if (error && error.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED') {
      emit({ type: 'error', id, name: 'KeyboardInterrupt', value: 'Execution was interrupted', traceback: [] });
    } else {
      emit(errorEvent(id, error));
    }
  }
  emit({ type: 'done', id, executionCount: count, timedOut });
  currentId = null;
}

function configure(request) {
  try {
    if (request.cwd) {
      fs.mkdirSync(request.cwd, { recursive: true });
      process.chdir(request.cwd);
      setRequire();
    }
    for (const [name, value] of Object.entries(request.env || {})) process.env[name] = String(value);
  } catch (error) {
    emit(errorEvent(request.id, error));
  }
  emit({ type: 'done', id: request.id, executionCount });
}

const queue = [];
let busy = false;

async function drain() {
  if (busy) return;
  busy = true;
  while (queue.length > 0) {
    const request = queue.shift();
    const type = request.type || 'execute';
    if (type === 'execute') await execute(request);
    else if (type === 'configure') configure(request);
    else if (type === 'shutdown') { emit({ type: 'done', id: request.id, executionCount }); process.exit(0); }
    else emit({ type: 'protocol_error', id: request.id, message: `unknown type ${type}` });
  }
  busy = false;
}

let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  let newline;
  while ((newline = pending.indexOf('\n')) >= 0) {
    const line = pending.slice(0, newline);
    pending = pending.slice(newline + 1);
    if (!line.trim()) continue;
    let request;
    try {
      request = JSON.parse(line);
    } catch (e) {
      emit({ type: 'protocol_error', message: `not a JSON line: ${e.message}` });
      continue;
    }
    if (request.type === 'interrupt') {
      if (pendingInterrupt) pendingInterrupt(Object.assign(new Error('interrupted'), { code: 'ERR_SCRIPT_EXECUTION_INTERRUPTED' }));
      continue;
    }
    queue.push(request);
  }
  drain();
});
process.stdin.on('end', () => {
  const wait = () => (busy || queue.length ? setTimeout(wait, 10) : process.exit(0));
  wait();
});
process.on('uncaughtException', (error) => {
  emit(errorEvent(currentId, error));
});
process.on('unhandledRejection', (reason) => {
  emit(errorEvent(currentId, reason));
});
process.on('SIGINT', () => {
  if (pendingInterrupt) pendingInterrupt(Object.assign(new Error('interrupted'), { code: 'ERR_SCRIPT_EXECUTION_INTERRUPTED' }));
});

emit({ type: 'ready', language: ts ? 'typescript' : 'javascript', protocol: PROTOCOL_VERSION, pid: process.pid,
  version: ts ? `${process.version} typescript ${ts.version}` : process.version });
