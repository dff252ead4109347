//! Typed access to guest memory: [`UserPtr`] and helpers that copy
//! values, byte ranges and C strings in and out of a [`GuestMemory`], turning
//! every bad address into `EFAULT` and never keeping a borrowed slice.
//!
//! Values are encoded with wasm32 layouts by exactly one mechanism: the
//! generated uapi types of [`crate::abi::uapi`] (and fixed-width integers and
//! arrays of them), converted to and from bytes by zerocopy. A kernel type
//! that crosses the boundary implements [`Plain`] by naming its uapi type.

use std::marker::PhantomData;

use zerocopy::{FromBytes, FromZeros, Immutable, IntoBytes, KnownLayout};

use crate::abi::uapi;
use crate::api::GuestMemory;
use crate::error::{Errno, KResult};

/// Longest path accepted from the guest, including the NUL (`PATH_MAX`).
pub const PATH_MAX: usize = 4096;

/// A value with a guest encoding. The bytes are always those of `Abi`, a
/// generated uapi struct (`kernel/src/abi/uapi.rs`, layouts checked for
/// wasm32) or an integer/array: generated types and integers are their own
/// `Abi` (blanket impl); a kernel type (`KTimespec`, `SigSet`, ...) names its
/// uapi type and converts field by field, never by byte offsets.
pub trait Plain: Sized {
    /// The guest representation.
    type Abi: FromBytes + IntoBytes + Immutable + KnownLayout;
    /// Size in guest memory.
    const SIZE: usize = std::mem::size_of::<Self::Abi>();
    fn from_abi(a: Self::Abi) -> Self;
    fn to_abi(&self) -> Self::Abi;
}

impl<T: FromBytes + IntoBytes + Immutable + KnownLayout + Copy> Plain for T {
    type Abi = T;
    fn from_abi(a: T) -> T {
        a
    }
    fn to_abi(&self) -> T {
        *self
    }
}

/// A guest pointer to a `T`.
#[derive(Debug)]
pub struct UserPtr<T> {
    pub addr: u32,
    _t: PhantomData<fn() -> T>,
}

impl<T> Clone for UserPtr<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for UserPtr<T> {}

impl<T: Plain> UserPtr<T> {
    pub fn new(addr: u32) -> Self {
        UserPtr { addr, _t: PhantomData }
    }
    pub fn is_null(self) -> bool {
        self.addr == 0
    }
    /// The `i`th element of an array starting here.
    pub fn at(self, i: u32) -> KResult<Self> {
        let off = (i as u64).checked_mul(T::SIZE as u64).ok_or(Errno::EFAULT)?;
        let a = (self.addr as u64).checked_add(off).filter(|a| *a <= u32::MAX as u64).ok_or(Errno::EFAULT)?;
        Ok(UserPtr::new(a as u32))
    }
    pub fn read(self, mem: &dyn GuestMemory) -> KResult<T> {
        let mut a = T::Abi::new_zeroed();
        read_bytes_into(mem, self.addr, a.as_mut_bytes())?;
        Ok(T::from_abi(a))
    }
    pub fn write(self, mem: &mut dyn GuestMemory, v: &T) -> KResult<()> {
        write_bytes(mem, self.addr, v.to_abi().as_bytes())
    }
    /// Read when non-null.
    pub fn read_opt(self, mem: &dyn GuestMemory) -> KResult<Option<T>> {
        if self.is_null() {
            Ok(None)
        } else {
            self.read(mem).map(Some)
        }
    }
    /// Write when non-null.
    pub fn write_opt(self, mem: &mut dyn GuestMemory, v: &T) -> KResult<()> {
        if self.is_null() {
            Ok(())
        } else {
            self.write(mem, v)
        }
    }
}

fn map_fault(_e: i32) -> Errno {
    Errno::EFAULT
}

/// The first page is never valid for the kernel (Linux's NULL page):
/// system calls given a pointer into it fail with EFAULT even though
/// wasm address 0 exists.
pub const NULL_GUARD: u32 = 4096;

fn guard(addr: u32) -> KResult<()> {
    if addr < NULL_GUARD {
        return Err(Errno::EFAULT);
    }
    Ok(())
}

/// Copy guest bytes `[addr, addr+buf.len())` into `buf`.
pub fn read_bytes_into(mem: &dyn GuestMemory, addr: u32, buf: &mut [u8]) -> KResult<()> {
    if buf.is_empty() {
        return Ok(());
    }
    guard(addr)?;
    mem.read(addr, buf).map_err(map_fault)
}

/// Copy `len` guest bytes at `addr` into a new vector (`len` is checked
/// against the memory size first, so a huge length cannot exhaust the host).
pub fn read_bytes(mem: &dyn GuestMemory, addr: u32, len: usize) -> KResult<Vec<u8>> {
    if len as u64 + addr as u64 > mem.size() {
        return Err(Errno::EFAULT);
    }
    let mut v = vec![0u8; len];
    read_bytes_into(mem, addr, &mut v)?;
    Ok(v)
}

pub fn write_bytes(mem: &mut dyn GuestMemory, addr: u32, data: &[u8]) -> KResult<()> {
    if data.is_empty() {
        return Ok(());
    }
    guard(addr)?;
    mem.write(addr, data).map_err(map_fault)
}

/// Check that `[addr, addr+len)` lies inside guest memory.
pub fn check_range(mem: &dyn GuestMemory, addr: u32, len: u64) -> KResult<()> {
    if len > 0 {
        guard(addr)?;
    }
    if addr as u64 + len > mem.size() {
        return Err(Errno::EFAULT);
    }
    Ok(())
}

/// Read a NUL-terminated string of at most `max` bytes (NUL included);
/// longer → `too_long` errno (ENAMETOOLONG for paths, E2BIG for argv...).
pub fn read_cstr(mem: &dyn GuestMemory, addr: u32, max: usize, too_long: Errno) -> KResult<Vec<u8>> {
    let size = mem.size();
    guard(addr)?;
    if addr as u64 >= size {
        return Err(Errno::EFAULT);
    }
    let mut out = Vec::new();
    let mut chunk = [0u8; 256];
    let mut a = addr as u64;
    loop {
        let n = chunk.len().min((size - a) as usize);
        if n == 0 {
            return Err(Errno::EFAULT);
        }
        read_bytes_into(mem, a as u32, &mut chunk[..n])?;
        if let Some(z) = chunk[..n].iter().position(|&c| c == 0) {
            out.extend_from_slice(&chunk[..z]);
            if out.len() + 1 > max {
                return Err(too_long);
            }
            return Ok(out);
        }
        out.extend_from_slice(&chunk[..n]);
        if out.len() + 1 > max {
            return Err(too_long);
        }
        a += n as u64;
    }
}

/// Read a path argument: EFAULT, ENAMETOOLONG past PATH_MAX, ENOENT when empty
/// is left to the caller (AT_EMPTY_PATH).
pub fn read_path(mem: &dyn GuestMemory, addr: u32) -> KResult<Vec<u8>> {
    read_cstr(mem, addr, PATH_MAX, Errno::ENAMETOOLONG)
}

/// Read a NULL-terminated array of string pointers (argv/envp); E2BIG past
/// `max_total` bytes.
pub fn read_str_array(mem: &dyn GuestMemory, addr: u32, max_total: usize) -> KResult<Vec<Vec<u8>>> {
    let mut out = Vec::new();
    if addr == 0 {
        return Ok(out);
    }
    let mut total = 0usize;
    for i in 0u32.. {
        let p = UserPtr::<u32>::new(addr).at(i)?.read(mem)?;
        if p == 0 {
            break;
        }
        let s = read_cstr(mem, p, max_total.saturating_sub(total).max(1), Errno::E2BIG)?;
        total += s.len() + 1 + 4;
        if total > max_total {
            return Err(Errno::E2BIG);
        }
        out.push(s);
    }
    Ok(out)
}

/// `struct iovec` on wasm32.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IoVec {
    pub base: u32,
    pub len: u32,
}

impl Plain for IoVec {
    type Abi = uapi::iovec;
    fn from_abi(a: uapi::iovec) -> Self {
        IoVec { base: a.iov_base, len: a.iov_len }
    }
    fn to_abi(&self) -> uapi::iovec {
        uapi::iovec { iov_base: self.base, iov_len: self.len }
    }
}

/// `IOV_MAX`.
pub const IOV_MAX: u32 = 1024;

/// Read an iovec array (EINVAL past IOV_MAX or when the total overflows ssize_t).
pub fn read_iovecs(mem: &dyn GuestMemory, addr: u32, count: u32) -> KResult<Vec<IoVec>> {
    if count > IOV_MAX {
        return Err(Errno::EINVAL);
    }
    let mut v = Vec::with_capacity(count as usize);
    let mut total: u64 = 0;
    for i in 0..count {
        let iov = UserPtr::<IoVec>::new(addr).at(i)?.read(mem)?;
        total += iov.len as u64;
        if total > i32::MAX as u64 {
            return Err(Errno::EINVAL);
        }
        v.push(iov);
    }
    Ok(v)
}

/// `struct timespec` with 64-bit time (`struct __kernel_timespec`, 16 bytes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KTimespec {
    pub sec: i64,
    pub nsec: i64,
}

impl KTimespec {
    /// Validate (EINVAL for negative or ≥ 1e9 nanoseconds) and convert.
    pub fn to_ns(self) -> KResult<u64> {
        if self.nsec < 0 || self.nsec >= 1_000_000_000 || self.sec < 0 {
            return Err(Errno::EINVAL);
        }
        Ok((self.sec as u64).saturating_mul(1_000_000_000).saturating_add(self.nsec as u64))
    }
    pub fn from_ns(ns: u64) -> KTimespec {
        KTimespec { sec: (ns / 1_000_000_000) as i64, nsec: (ns % 1_000_000_000) as i64 }
    }
}

impl Plain for KTimespec {
    type Abi = uapi::__kernel_timespec;
    fn from_abi(a: uapi::__kernel_timespec) -> Self {
        // musl passes a 32-bit `long tv_nsec` padded to 64 bits; only the low
        // word is meaningful (the kernel ignores the padding for compat).
        KTimespec { sec: a.tv_sec, nsec: a.tv_nsec as i32 as i64 }
    }
    fn to_abi(&self) -> uapi::__kernel_timespec {
        uapi::__kernel_timespec { tv_sec: self.sec, tv_nsec: self.nsec }
    }
}

/// `struct timeval` of the old 32-bit ABI (`__kernel_old_timeval`), used by
/// setitimer/getitimer/getrusage on 32-bit time64 architectures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OldTimeval {
    pub sec: i32,
    pub usec: i32,
}

impl Plain for OldTimeval {
    type Abi = uapi::__kernel_old_timeval;
    fn from_abi(a: uapi::__kernel_old_timeval) -> Self {
        OldTimeval { sec: a.tv_sec, usec: a.tv_usec }
    }
    fn to_abi(&self) -> uapi::__kernel_old_timeval {
        uapi::__kernel_old_timeval { tv_sec: self.sec, tv_usec: self.usec }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::VecMemory;

    #[test]
    fn cstr_limits_and_faults() {
        let mut m = VecMemory::new(8192);
        m.write(5000, b"hello\0").unwrap();
        assert_eq!(read_path(&m, 5000).unwrap(), b"hello");
        assert_eq!(read_path(&m, 9000), Err(Errno::EFAULT));
        m.fill(0, 8192, b'a').unwrap();
        assert_eq!(read_path(&m, 0), Err(Errno::EFAULT));
        assert_eq!(read_path(&m, 8000), Err(Errno::EFAULT));
        m.bytes[4096 + 4095] = 0;
        assert_eq!(read_path(&m, 4096).unwrap().len(), 4095);
        m.bytes[4096 + 4095] = b'a';
        m.grow(1 << 16).unwrap();
        assert_eq!(read_path(&m, 4096), Err(Errno::ENAMETOOLONG));
        let p = UserPtr::<u64>::new(65534);
        assert_eq!(p.read(&m), Err(Errno::EFAULT));
    }

    /// Kernel value types land at the Linux (wasm32) offsets through their
    /// generated uapi types.
    #[test]
    fn plain_types_use_linux_offsets() {
        let mut m = VecMemory::new(8192);
        let a = 4096u32;
        let at = |m: &VecMemory, n: usize| m.bytes[a as usize..a as usize + n].to_vec();
        // __kernel_timespec: tv_sec @0, tv_nsec @8; only nsec's low word is read.
        UserPtr::<KTimespec>::new(a).write(&mut m, &KTimespec { sec: -2, nsec: 999 }).unwrap();
        assert_eq!(at(&m, 16), [(-2i64).to_le_bytes(), 999i64.to_le_bytes()].concat());
        m.write(a + 12, &[0xff; 4]).unwrap();
        assert_eq!(UserPtr::<KTimespec>::new(a).read(&m), Ok(KTimespec { sec: -2, nsec: 999 }));
        assert_eq!(<KTimespec as Plain>::SIZE, 16);
        // iovec: base @0, len @4.
        UserPtr::<IoVec>::new(a).write(&mut m, &IoVec { base: 0x1122_3344, len: 5 }).unwrap();
        assert_eq!(at(&m, 8), [0x44, 0x33, 0x22, 0x11, 5, 0, 0, 0]);
        assert_eq!(UserPtr::<IoVec>::new(a).at(2).unwrap().addr, a + 16);
        // old timeval: two 32-bit words.
        UserPtr::<OldTimeval>::new(a).write(&mut m, &OldTimeval { sec: 3, usec: -1 }).unwrap();
        assert_eq!(at(&m, 8), [3, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
        // Generated types and integers are their own encoding.
        UserPtr::<[u32; 2]>::new(a).write(&mut m, &[3, 4]).unwrap();
        assert_eq!(at(&m, 8), [3, 0, 0, 0, 4, 0, 0, 0]);
        assert_eq!(<uapi::ucontext as Plain>::SIZE, 212);
    }
}
