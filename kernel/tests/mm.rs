//! Tests of the syscall family in `kernel/src/syscall/mm.rs`: brk, mmap2/munmap reuse and errors,
//! mprotect/mremap/madvise/msync/mincore/mlock, unmappable files.
mod common;
use common::*;
use wasmlinux_kernel::syscall::nr;
use wasmlinux_kernel::*;

const MAP_FIXED: u32 = 0x10;
const PROT_RW: u32 = 3;
const MAP_PRIVATE_ANON: u32 = 0x22;

/// Env whose memory looks like a started program (brk after the image).
fn started() -> Env {
    let mut e = Env::new();
    let img = ExecImage {
        path: "/bin/x".into(),
        module: std::sync::Arc::new(b"\0asm".to_vec()),
        argv: vec![b"x".to_vec(), b"-v".to_vec()],
        envp: vec![b"A=1".to_vec()],
        new_tid: None,
    };
    let block = e.k.exec_start(1, &mut e.mem, &img).unwrap();
    assert_eq!(e.u32_at(block), 2, "argc");
    let argv0 = e.u32_at(block + 4);
    assert_eq!(e.get(argv0, 2), b"x\0");
    assert_eq!(e.u32_at(block + 12), 0, "argv NULL");
    let envp0 = e.u32_at(block + 16);
    assert_eq!(e.get(envp0, 4), b"A=1\0");
    // auxv starts after envp's NULL: AT_PAGESZ first.
    assert_eq!((e.u32_at(block + 24), e.u32_at(block + 28)), (6, 4096));
    e
}

#[test]
fn mmap_of_unmappable_files_is_enodev_and_huge_lengths_enomem() {
    let mut e = Env::new();
    // Lay out the address space like a started program (brk, mmap base).
    let img = ExecImage {
        path: "/bin/x".into(),
        module: std::sync::Arc::new(b"\0asm".to_vec()),
        argv: vec![b"x".to_vec()],
        envp: vec![],
        new_tid: None,
    };
    e.k.exec_start(1, &mut e.mem, &img).unwrap();
    const PROT_READ: u32 = 1;
    const MAP_PRIVATE: u32 = 2;
    const MAP_ANON: u32 = 0x20;
    let d = open(&mut e, "/tmp", O_DIRECTORY, 0o644) as u32;
    assert_eq!(e.call(nr::mmap2, &[0, 4096, PROT_READ, MAP_PRIVATE, d, 0]), ENODEV);
    assert_eq!(e.call(nr::pipe2, &[BUF, 0]), 0);
    assert_eq!(e.call(nr::mmap2, &[0, 4096, PROT_READ, MAP_PRIVATE, e.u32_at(BUF), 0]), ENODEV);
    let w = open(&mut e, "/tmp/wo", O_CREAT | O_WRONLY, 0o644) as u32;
    assert_eq!(e.call(nr::mmap2, &[0, 4096, PROT_READ, MAP_PRIVATE, w, 0]), EACCES, "not readable first");
    // Lengths that cannot fit the 4 GiB address space (musl malloc(SIZE_MAX - 8192)).
    assert_eq!(e.call(nr::mmap2, &[0, 0xffff_e013, 3, MAP_PRIVATE | MAP_ANON, u32::MAX, 0]), ENOMEM);
    assert_eq!(e.call(nr::mmap2, &[0, 0xffff_ffff, 3, MAP_PRIVATE | MAP_ANON, u32::MAX, 0]), ENOMEM);
    assert_eq!(
        e.call(nr::mmap2, &[0, 0xfc00_0000, 3, MAP_PRIVATE | MAP_ANON, u32::MAX, 0]),
        ENOMEM,
        "above the mmap base"
    );
    let b0 = e.call(nr::brk, &[0]) as u32;
    assert_eq!(e.call(nr::brk, &[0xffff_f000]) as u32, b0, "brk that cannot fit: unchanged");
}

#[test]
fn brk_grows_shrinks_and_stops_at_mappings() {
    let mut e = started();
    let b0 = e.call(nr::brk, &[0]) as u32;
    assert_eq!(b0, 1 << 20);
    assert_eq!(e.call(nr::brk, &[b0 + 100_000]) as u32, b0 + 100_000);
    assert!(e.mem.size() >= (b0 + 100_000) as u64);
    e.put(b0 + 10, b"dirty");
    assert_eq!(e.call(nr::brk, &[b0]) as u32, b0);
    assert_eq!(e.call(nr::brk, &[b0 + 4096]) as u32, b0 + 4096);
    assert_eq!(e.get(b0 + 10, 5), vec![0; 5], "regrown heap is zero");
    assert_eq!(e.call(nr::brk, &[100]) as u32, b0 + 4096, "below start: unchanged");
    // A fixed mapping just above blocks growth.
    let at = b0 + 3 * 4096;
    assert_eq!(e.call(nr::mmap2, &[at, 4096, PROT_RW, MAP_PRIVATE_ANON | MAP_FIXED, u32::MAX, 0]) as u32, at);
    assert_eq!(e.call(nr::brk, &[at + 10]) as u32, b0 + 4096);
}

#[test]
fn mmap_munmap_reuse_and_errors() {
    let mut e = started();
    let a = e.call(nr::mmap2, &[0, 10000, PROT_RW, MAP_PRIVATE_ANON, u32::MAX, 0]) as u32;
    assert_eq!(a % 4096, 0);
    assert!(a >= (1 << 20) + (64 << 20));
    e.put(a, b"junk");
    let b = e.call(nr::mmap2, &[0, 4096, PROT_RW, MAP_PRIVATE_ANON, u32::MAX, 0]) as u32;
    assert_eq!(b, a + 12288);
    assert_eq!(e.call(nr::munmap, &[a, 12288]), 0);
    let size = e.mem.size();
    // malloc/free churn never grows memory.
    for _ in 0..100 {
        let c = e.call(nr::mmap2, &[0, 8192, PROT_RW, MAP_PRIVATE_ANON, u32::MAX, 0]) as u32;
        assert_eq!(c, a);
        assert_eq!(e.get(c, 4), vec![0; 4], "zeroed on reuse");
        e.put(c, b"junk");
        assert_eq!(e.call(nr::munmap, &[c, 8192]), 0);
    }
    assert_eq!(e.mem.size(), size);
    assert_eq!(e.call(nr::mmap2, &[0, 0, PROT_RW, MAP_PRIVATE_ANON, u32::MAX, 0]), EINVAL);
    assert_eq!(e.call(nr::mmap2, &[0, 4096, PROT_RW, 0x20, u32::MAX, 0]), EINVAL, "no map type");
    assert_eq!(e.call(nr::mmap2, &[0, 4096, 8, MAP_PRIVATE_ANON, u32::MAX, 0]), EINVAL);
    assert_eq!(e.call(nr::mmap2, &[123, 4096, PROT_RW, MAP_PRIVATE_ANON | MAP_FIXED, u32::MAX, 0]), EINVAL);
    assert_eq!(e.call(nr::mmap2, &[0, 4096, PROT_RW, 2, 55, 0]), EBADF);
    assert_eq!(e.call(nr::mmap2, &[0, 0xffff_f000, PROT_RW, MAP_PRIVATE_ANON, u32::MAX, 0]), ENOMEM);
    assert_eq!(e.call(nr::mmap2, &[b, 4096, PROT_RW, MAP_PRIVATE_ANON | 0x100000, u32::MAX, 0]), EEXIST);
    assert_eq!(e.call(nr::munmap, &[a + 1, 4096]), EINVAL);
    assert_eq!(e.call(nr::munmap, &[a, 0]), EINVAL);
    // mmap of a pipe: ENODEV.
    assert_eq!(e.call(nr::pipe2, &[BUF, 0]), 0);
    assert_eq!(e.call(nr::mmap2, &[0, 4096, 1, 2, e.u32_at(BUF), 0]), -19);
}

#[test]
fn mprotect_mremap_madvise_msync_mincore_mlock() {
    let mut e = started();
    let a = e.call(nr::mmap2, &[0, 8192, PROT_RW, MAP_PRIVATE_ANON, u32::MAX, 0]) as u32;
    assert_eq!(e.call(nr::mprotect, &[a, 8192, 3]), 0);
    assert_eq!(e.call(nr::mprotect, &[a + 1, 4096, 1]), EINVAL);
    assert_eq!(e.call(nr::mprotect, &[a, 4096, 0x80]), EINVAL);
    assert_eq!(e.call(nr::mprotect, &[a + (1 << 24), 4096, 1]), ENOMEM);
    e.put(a, b"keep");
    // Grow in place, then move when blocked.
    assert_eq!(e.call(nr::mremap, &[a, 8192, 16384, 0, 0]) as u32, a);
    let blocker = e.call(nr::mmap2, &[0, 4096, PROT_RW, MAP_PRIVATE_ANON, u32::MAX, 0]) as u32;
    assert_eq!(blocker, a + 16384);
    assert_eq!(e.call(nr::mremap, &[a, 16384, 32768, 0, 0]), ENOMEM);
    let moved = e.call(nr::mremap, &[a, 16384, 32768, 1, 0]) as u32;
    assert_ne!(moved, a);
    assert_eq!(e.get(moved, 4), b"keep");
    assert_eq!(e.call(nr::mremap, &[moved, 32768, 4096, 0, 0]) as u32, moved);
    assert_eq!(e.call(nr::mremap, &[moved + 1, 4096, 8192, 1, 0]), EINVAL);
    assert_eq!(e.call(nr::mremap, &[0x0f00_0000u32, 4096, 8192, 1, 0]), EFAULT);
    assert_eq!(e.call(nr::mremap, &[moved, 4096, 8192, 2, 0]), EINVAL);
    // madvise(DONTNEED) zeroes.
    e.put(moved, b"gone");
    assert_eq!(e.call(nr::madvise, &[moved, 4096, 4]), 0);
    assert_eq!(e.get(moved, 4), vec![0; 4]);
    assert_eq!(e.call(nr::madvise, &[moved, 4096, 999]), EINVAL);
    assert_eq!(e.call(nr::madvise, &[moved + 3, 4096, 0]), EINVAL);
    assert_eq!(e.call(nr::msync, &[moved, 4096, 4]), 0);
    assert_eq!(e.call(nr::msync, &[moved, 4096, 5]), EINVAL);
    assert_eq!(e.call(nr::msync, &[moved + 8192 * 100, 4096, 4]), ENOMEM);
    assert_eq!(e.call(nr::mincore, &[moved, 4096, BUF]), 0);
    assert_eq!(e.get(BUF, 1), vec![1]);
    assert_eq!(e.call(nr::mincore, &[moved + 1, 4096, BUF]), EINVAL);
    assert_eq!(e.call(nr::mincore, &[moved + (1 << 26), 4096, BUF]), ENOMEM);
    assert_eq!(e.call(nr::mlock, &[moved, 4096]), 0);
    assert_eq!(e.call(nr::munlock, &[moved, 4096]), 0);
    assert_eq!(e.call(nr::mlock2, &[moved, 4096, 0]), 0);
    assert_eq!(e.call(nr::mlock2, &[moved, 4096, 2]), EINVAL);
    assert_eq!(e.call(nr::mlock, &[0xffff_0000, 0x20000]), ENOMEM);
    assert_eq!(e.call(nr::mlockall, &[1]), 0);
    assert_eq!(e.call(nr::mlockall, &[0]), EINVAL);
    assert_eq!(e.call(nr::munlockall, &[]), 0);
    assert_eq!(e.call(nr::fadvise64_64, &[1, 0, 0, 0, 0, 0]), ESPIPE);
    assert_eq!(e.call(nr::fadvise64_64, &[66, 0, 0, 0, 0, 0]), EBADF);
    let bridge = e.k.map_anonymous(1, &mut e.mem, 256 * 1024).unwrap();
    assert_eq!(bridge % 4096, 0);
    assert!(e.k.map_anonymous(1, &mut e.mem, 0).is_err());
}
