//! memfd_create(2): an anonymous regular file in the kernel's internal
//! tmpfs (Linux's shmem mount), already unlinked, opened O_RDWR.
//! `/proc/<pid>/fd` shows it as `/memfd:NAME (deleted)`.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::{Args, Ctx, SysResult};
use crate::error::Errno;
use crate::file::{oflags, OpenFile};
use crate::fs::boot::host_clock;
use crate::fs::tmpfs::TmpFs;
use crate::vfs::file::NodeFile;
use crate::vfs::{FileSystem, MountNamespace, NewNode, PathHandle};

pub const MFD_CLOEXEC: u32 = 1;
pub const MFD_ALLOW_SEALING: u32 = 2;
pub const MFD_HUGETLB: u32 = 4;
pub const MFD_NOEXEC_SEAL: u32 = 8;
pub const MFD_EXEC: u32 = 0x10;
/// `NAME_MAX - strlen("memfd:")`.
const MFD_NAME_MAX: usize = 249;

/// The internal tmpfs (one per kernel, made on first use).
fn memfd_root(ctx: &Ctx<'_>) -> PathHandle {
    let ns = ctx.kernel.memfd_ns.get_or_init(|| {
        let fs: Arc<dyn FileSystem> = TmpFs::new(host_clock(&ctx.kernel.host), 0o1777, 1 << 32);
        MountNamespace::new(fs, "memfd", 0)
    });
    ns.root()
}

pub fn sys_memfd_create(ctx: &mut Ctx<'_>, a: Args) -> SysResult {
    let (name_addr, flags) = (a.u32(0), a.u32(1));
    if flags & !(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC) != 0 {
        return Err(Errno::EINVAL);
    }
    // No hugetlbfs; MFD_EXEC and MFD_NOEXEC_SEAL exclude each other.
    if flags & MFD_HUGETLB != 0 || flags & (MFD_EXEC | MFD_NOEXEC_SEAL) == MFD_EXEC | MFD_NOEXEC_SEAL {
        return Err(Errno::EINVAL);
    }
    let name = crate::mem::read_cstr(&*ctx.mem, name_addr, MFD_NAME_MAX + 1, Errno::EINVAL)?;
    let creds = ctx.creds();
    let mode = if flags & MFD_NOEXEC_SEAL != 0 { 0o666 } else { 0o777 };
    let root = memfd_root(ctx);
    let tmp_name = format!("memfd.{}", ctx.kernel.memfd_next.fetch_add(1, Ordering::Relaxed));
    let inode = root.inode.create(tmp_name.as_bytes(), NewNode::Regular, mode, creds.fsuid, creds.fsgid)?;
    root.inode.unlink(tmp_name.as_bytes())?;
    let ops = inode.open(oflags::O_RDWR)?;
    let handle = PathHandle { mnt: root.mnt.clone(), inode };
    let mut path = b"/memfd:".to_vec();
    path.extend_from_slice(&name);
    path.extend_from_slice(b" (deleted)");
    let file = OpenFile::new(NodeFile::wrap(handle, ops), oflags::O_RDWR | oflags::O_LARGEFILE, path);
    Ok(ctx.install_fd(file, flags & MFD_CLOEXEC != 0)?.into())
}
