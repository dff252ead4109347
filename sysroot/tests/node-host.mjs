// Minimal stand-in for the wasmlinux bridge, for smoke-testing the sysroot without it:
//   node sysroot/tests/node-host.mjs module.wasm [args...]
// Implements env.wasmlinux_syscall32 for the handful of syscalls a simple program needs
// (write/writev/read/readv on fds 0-2, exit, mmap2/munmap by growing memory, clock_gettime64,
// signal-mask no-ops), env.invoke_* and env.emscripten_longjmp following the ABI in
// docs/ARCHITECTURE.md. env.wasmlinux_fork returns -ENOSYS. Not a kernel: anything else
// returns -ENOSYS (set WASMLINUX_NODE_TRACE=1 to see them).
import fs from 'node:fs';

const ENOSYS = 38, ENOENT = 2, ENOTTY = 25, EBADF = 9, ESPIPE = 29, ENOMEM = 12;
const trace = process.env.WASMLINUX_NODE_TRACE === '1';
const [, , file, ...rest] = process.argv;
const bytes = fs.readFileSync(file);
const module = new WebAssembly.Module(bytes);

class Exit { constructor(code) { this.code = code; } }
class LongJmp { constructor(env, val) { this.env = env; this.val = val; } }

let inst, mem;
const u8 = () => new Uint8Array(mem.buffer);
const dv = () => new DataView(mem.buffer);
let sigmask = 0n;

function grow(len) {
  const pages = Math.ceil(len / 65536);
  const old = mem.grow(pages);
  return old * 65536;
}

function writeFd(fd, ptr, len) {
  if (fd !== 1 && fd !== 2) return -EBADF;
  fs.writeSync(fd, u8().slice(ptr, ptr + len)); // a copy: the memory may be a SharedArrayBuffer
  return len;
}

function readFd(fd, ptr, len) {
  if (fd !== 0) return -EBADF;
  const buf = Buffer.alloc(len);
  let n = 0;
  try { n = fs.readSync(0, buf, 0, len, null); } catch { n = 0; }
  u8().set(buf.subarray(0, n), ptr);
  return n;
}

function syscall(nr, argp) {
  const d = dv();
  const a = [0, 1, 2, 3, 4, 5].map(i => d.getUint32(argp + 4 * i, true));
  const s = x => x | 0;
  switch (nr) {
    case 64: return writeFd(a[0], a[1], a[2]); // write
    case 66: { // writev
      let total = 0;
      for (let i = 0; i < a[2]; i++) {
        const base = d.getUint32(a[1] + 8 * i, true), len = d.getUint32(a[1] + 8 * i + 4, true);
        const r = writeFd(a[0], base, len);
        if (r < 0) return r;
        total += r;
      }
      return total;
    }
    case 63: return readFd(a[0], a[1], a[2]); // read
    case 65: { // readv (musl's stdio reads with it)
      let total = 0;
      for (let i = 0; i < a[2]; i++) {
        const base = d.getUint32(a[1] + 8 * i, true), len = d.getUint32(a[1] + 8 * i + 4, true);
        if (len === 0) continue;
        const r = readFd(a[0], base, len);
        if (r < 0) return total || r;
        total += r;
        if (r < len) break;
      }
      return total;
    }
    case 93: case 94: throw new Exit(s(a[0]) & 255); // exit, exit_group
    case 222: { // mmap2 (anonymous only)
      if (!(a[3] & 0x20)) return -ENOSYS;
      const len = (a[1] + 4095) & ~4095;
      const addr = grow(len);
      u8().fill(0, addr, addr + len);
      return addr;
    }
    case 215: return 0; // munmap: leak
    case 216: return -ENOMEM; // mremap
    case 214: return -ENOMEM; // brk: force musl to mmap
    case 233: return 0; // madvise
    case 29: return -ENOTTY; // ioctl
    case 96: return 1; // set_tid_address
    case 134: return 0; // rt_sigaction: accepted, never delivered
    case 135: { // rt_sigprocmask(how, set, oldset, 8)
      if (a[2]) d.setBigUint64(a[2], sigmask, true);
      if (a[1]) {
        const set = d.getBigUint64(a[1], true) & ~((1n << 8n) | (1n << 18n)); // not KILL/STOP
        if (a[0] === 0) sigmask |= set; else if (a[0] === 1) sigmask &= ~set; else if (a[0] === 2) sigmask = set;
        else return -22;
      }
      return 0;
    }
    case 172: case 178: return 1; // getpid, gettid
    case 174: case 175: case 176: case 177: return 0; // getuid...
    case 403: { // clock_gettime64
      const ns = process.hrtime.bigint();
      const now = a[0] === 0 ? BigInt(Date.now()) * 1000000n : ns;
      d.setBigInt64(a[1], now / 1000000000n, true);
      d.setBigInt64(a[1] + 8, now % 1000000000n, true);
      return 0;
    }
    case 56: return -ENOENT; // openat
    case 57: return 0; // close
    case 62: return -ESPIPE; // _llseek
    case 278: { const b = u8(); for (let i = 0; i < a[1]; i++) b[a[0] + i] = (Math.random() * 256) | 0; return a[1]; }
    case 129: case 131: return 0; // kill/tgkill (raise) -> ignore
    default:
      if (trace) console.error(`[node-host] ENOSYS ${nr} ${a}`);
      return -ENOSYS;
  }
}

const env = {
  wasmlinux_syscall32: (nr, argp) => syscall(nr, argp),
  wasmlinux_fork: () => -ENOSYS,
  wasmlinux_fnsig: () => -1, // no type reflection: libc calls with the declared type
  emscripten_longjmp: (e, v) => { throw new LongJmp(e, v); },
};
for (const imp of WebAssembly.Module.imports(module)) {
  if (imp.module !== 'env' || !imp.name.startsWith('invoke_')) continue;
  const ret = imp.name[7];
  env[imp.name] = (idx, ...args) => {
    const sp = inst.exports.__stack_pointer.value;
    try {
      return inst.exports.__indirect_function_table.get(idx)(...args);
    } catch (e) {
      if (!(e instanceof LongJmp)) throw e;
      inst.exports.__stack_pointer.value = sp;
      inst.exports.setThrew(e.env, e.val);
      return ret === 'j' ? 0n : 0;
    }
  };
}

// wasmlinux-cc modules import a shared env.memory (threads); older ones export their own.
const importsMemory = WebAssembly.Module.imports(module).some(i => i.kind === 'memory');
if (importsMemory) env.memory = new WebAssembly.Memory({ initial: 512, maximum: 65536, shared: true });
inst = new WebAssembly.Instance(module, { env });
mem = importsMemory ? env.memory : inst.exports.memory;

// Build the initial stack block: argc, argv..., 0, envp..., 0, auxv, AT_NULL.
const argv = [file, ...rest];
const envp = ['TZ=UTC', 'HOME=/', 'PATH=/bin'];
const strs = [...argv, ...envp].map(x => Buffer.from(x + '\0'));
const blockWords = 1 + argv.length + 1 + envp.length + 1 + 2 * 8;
const total = blockWords * 4 + 16 + strs.reduce((n, b) => n + b.length, 0);
const base = grow(total + 64);
const d = dv();
let w = base, sp = base + blockWords * 4;
const random = sp; sp += 16;
u8().set(Array.from({ length: 16 }, () => (Math.random() * 256) | 0), random);
const ptrs = strs.map(b => { const p = sp; u8().set(b, p); sp += b.length; return p; });
const put = v => { d.setUint32(w, v, true); w += 4; };
put(argv.length);
ptrs.slice(0, argv.length).forEach(put); put(0);
ptrs.slice(argv.length).forEach(put); put(0);
[[6, 4096], [25, random], [31, ptrs[0]], [11, 0], [12, 0], [13, 0], [14, 0], [0, 0]]
  .forEach(([k, v]) => { put(k); put(v); });

let code = 0;
try {
  inst.exports._start(base);
} catch (e) {
  if (e instanceof Exit) code = e.code;
  else if (e instanceof LongJmp) { console.error('[node-host] longjmp escaped'); code = 134; }
  else { console.error('[node-host] trap:', e.message); code = 134; }
}
process.exitCode = code;
