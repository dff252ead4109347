//! Kernel::syscall dispatch cost for the rows of scripts/bench that are pure kernel work.
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use kernel_bench::Env;
use wasmlinux_kernel::syscall::nr;

const AT_FDCWD: u32 = -100i32 as u32;
const O_RDONLY: u32 = 0;
const O_WRONLY: u32 = 1;
const O_CREAT: u32 = 0o100;
const PATH: u32 = 0x1000;
const BUF: u32 = 0x2000;
const STATBUF: u32 = 0x3000;

fn syscalls(c: &mut Criterion) {
    let mut e = Env::new();
    c.bench_function("getppid", |b| b.iter(|| black_box(e.call(nr::getppid, &[]))));

    // Calls the kernel does not implement yet (-ENOSYS) are skipped, not failed.
    e.cstr(PATH, "/tmp/bench-file");
    let fd = e.call(nr::openat, &[AT_FDCWD, PATH, O_WRONLY | O_CREAT, 0o644]);
    if fd < 0 {
        eprintln!("kernel-bench: openat: {fd}: file benchmarks skipped");
    } else {
        e.call(nr::write, &[fd as u32, BUF, 4096]);
        e.call(nr::close, &[fd as u32]);
        let fd = e.call(nr::openat, &[AT_FDCWD, PATH, O_RDONLY, 0]) as u32;
        if e.call(nr::pread64, &[fd, BUF, 1, 0, 0]) == 1 {
            c.bench_function("pread64 1 byte (tmpfs)", |b| b.iter(|| black_box(e.call(nr::pread64, &[fd, BUF, 1, 0, 0]))));
        }
        c.bench_function("openat + close (tmpfs)", |b| {
            b.iter(|| {
                let f = e.call(nr::openat, &[AT_FDCWD, PATH, O_RDONLY, 0]);
                e.call(nr::close, &[f as u32])
            })
        });
        if e.call(nr::fstatat64, &[AT_FDCWD, PATH, STATBUF, 0]) == 0 {
            c.bench_function("fstatat64 (tmpfs)", |b| b.iter(|| black_box(e.call(nr::fstatat64, &[AT_FDCWD, PATH, STATBUF, 0]))));
        }
    }

    e.cstr(PATH + 512, "/dev/null");
    let null = e.call(nr::openat, &[AT_FDCWD, PATH + 512, O_WRONLY, 0]);
    if null >= 0 {
        c.bench_function("write 1 byte /dev/null", |b| b.iter(|| black_box(e.call(nr::write, &[null as u32, BUF, 1]))));
    } else {
        eprintln!("kernel-bench: /dev/null: {null}, skipped");
    }
}

criterion_group!(benches, syscalls);
criterion_main!(benches);
