//! VFS operations with Linux's permission and errno rules. The syscall
//! handlers decode arguments and call these; file systems only see
//! pre-checked single-component requests.

use std::sync::Arc;

use crate::cred::{Creds, MAY_EXEC, MAY_READ, MAY_WRITE};
use crate::error::{Errno, KResult};
use crate::file::{oflags::*, FileOps, Stat, Timespec};

use super::file::NodeFile;
use super::path::{Last, ParentWalk, Walker, MAX_SYMLINKS, PATH_MAX};
use super::*;

/// Who is asking and from where.
#[derive(Clone, Copy)]
pub struct Caller<'a> {
    pub ctx: &'a FsContext,
    pub creds: &'a Creds,
}

/// What `open` produced.
pub enum Opened {
    /// A file ready for I/O (regular files, directories, devices, O_PATH).
    File(Arc<dyn FileOps>),
    /// A FIFO: the pipe module opens it through [`Inode::fifo_slot`].
    Fifo(PathHandle),
    /// A terminal device (`major:minor` in `rdev`): the tty module opens it.
    Tty(u64),
}

impl std::fmt::Debug for Opened {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Opened::File(_) => write!(f, "File"),
            Opened::Fifo(h) => write!(f, "Fifo({h:?})"),
            Opened::Tty(r) => write!(f, "Tty({}:{})", major(*r), minor(*r)),
        }
    }
}

/// Opens of character devices by number (`fs::devfs` fills in the memory
/// devices; terminal majors go to the tty module).
pub type DevOpener<'d> = &'d dyn Fn(u64) -> Option<KResult<Arc<dyn FileOps>>>;

/// Permission check of `may` on `h` (EACCES).
pub fn permission(creds: &Creds, h: &PathHandle, may: u32) -> KResult<()> {
    let st = h.inode.stat()?;
    if may & MAY_WRITE != 0
        && h.mnt.read_only()
        && matches!(h.file_type(), FileType::Regular | FileType::Directory | FileType::Symlink)
    {
        return Err(Errno::EROFS);
    }
    if may & MAY_EXEC != 0 && h.file_type() == FileType::Regular && h.mnt.flags() & MS_NOEXEC != 0 {
        return Err(Errno::EACCES);
    }
    if creds.permits(st.mode, st.uid, st.gid, may) {
        Ok(())
    } else {
        Err(Errno::EACCES)
    }
}

/// May the caller add or remove entries in directory `dir`?
fn may_modify_dir(creds: &Creds, dir: &PathHandle) -> KResult<()> {
    if dir.mnt.read_only() {
        return Err(Errno::EROFS);
    }
    if dir.inode.is_dead() {
        return Err(Errno::ENOENT);
    }
    permission(creds, dir, MAY_WRITE | MAY_EXEC)
}

/// Sticky-directory rule for removing/replacing `victim` in `dir`.
fn check_sticky(creds: &Creds, dir: &Stat, victim: &Stat) -> KResult<()> {
    if dir.mode & S_ISVTX != 0 && !creds.is_fs_root() && creds.fsuid != dir.uid && creds.fsuid != victim.uid {
        return Err(Errno::EPERM);
    }
    Ok(())
}

/// Is `h` a mount point or a mount root (EBUSY for rmdir/rename)?
fn is_busy(ctx: &FsContext, h: &PathHandle) -> bool {
    h.is_mount_root() || ctx.ns.mounted_on(&h.mnt, h.inode.ino()).is_some()
}

/// The name in a parent walk, or `err` for `.`/`..`.
fn name_of(pw: &ParentWalk, err: Errno) -> KResult<&[u8]> {
    match &pw.last {
        Last::Name(n) => Ok(n),
        _ => Err(err),
    }
}

/// Look `name` up in `pw.dir` without following a final symlink;
/// `Ok(None)` when it does not exist.
fn lookup_last(w: &Walker<'_>, pw: &ParentWalk) -> KResult<Option<PathHandle>> {
    let name: &[u8] = match &pw.last {
        Last::Name(n) => n,
        Last::Dot => b".",
        Last::DotDot => b"..",
    };
    match w.step(&pw.dir, name) {
        Ok(h) => Ok(Some(h)),
        Err(Errno::ENOENT) => Ok(None),
        Err(e) => Err(e),
    }
}

impl<'a> Caller<'a> {
    pub fn new(ctx: &'a FsContext, creds: &'a Creds) -> Caller<'a> {
        Caller { ctx, creds }
    }
    fn walker(&self) -> Walker<'a> {
        Walker::new(self.ctx, self.creds)
    }

    /// Resolve `path` from `start` (`follow`: follow a final symlink).
    pub fn lookup(&self, start: &PathHandle, path: &[u8], follow: bool) -> KResult<PathHandle> {
        self.walker().walk(start, path, follow)
    }

    /// Owner and group for a new inode in `dir`, and whether a new
    /// directory inherits S_ISGID.
    fn new_owner(&self, dir: &Stat) -> (u32, u32, bool) {
        if dir.mode & S_ISGID != 0 {
            (self.creds.fsuid, dir.gid, true)
        } else {
            (self.creds.fsuid, self.creds.fsgid, false)
        }
    }

    /// Create `node` at `pw` (already resolved) with permission bits `mode`
    /// (before umask).
    fn create_at(&self, pw: &ParentWalk, node: NewNode<'_>, mode: u32) -> KResult<PathHandle> {
        let name = name_of(pw, Errno::EEXIST)?;
        let w = self.walker();
        if lookup_last(&w, pw)?.is_some() {
            return Err(Errno::EEXIST);
        }
        may_modify_dir(self.creds, &pw.dir)?;
        let dst = pw.dir.inode.stat()?;
        let (uid, gid, sgid) = self.new_owner(&dst);
        let mut perm = mode & 0o7777 & !self.ctx.umask;
        if matches!(node, NewNode::Directory) {
            perm &= 0o1777;
            if sgid {
                perm |= S_ISGID;
            }
        }
        let inode = pw.dir.inode.create(name, node, perm, uid, gid)?;
        Ok(PathHandle { mnt: pw.dir.mnt.clone(), inode })
    }

    /// `openat`. `mode` applies with O_CREAT. Returns the handle opened
    /// and what to install.
    pub fn open(
        &self,
        start: &PathHandle,
        path: &[u8],
        flags: u32,
        mode: u32,
        devs: DevOpener<'_>,
    ) -> KResult<(PathHandle, Opened)> {
        if flags & O_TMPFILE == O_TMPFILE {
            return Err(Errno::EOPNOTSUPP);
        }
        let mut w = self.walker();
        if flags & O_PATH != 0 {
            let h = w.walk(start, path, flags & O_NOFOLLOW == 0)?;
            if flags & O_DIRECTORY != 0 && h.file_type() != FileType::Directory {
                return Err(Errno::ENOTDIR);
            }
            let file = NodeFile::path_only(h.clone());
            return Ok((h, Opened::File(file)));
        }
        let acc = flags & O_ACCMODE;
        let wants_write = acc == O_WRONLY || acc == O_RDWR || acc == O_ACCMODE;
        let wants_read = acc == O_RDONLY || acc == O_RDWR || acc == O_ACCMODE;
        let mut created = false;
        let h = if flags & O_CREAT != 0 {
            let mut pw = w.walk_parent(start, path)?;
            let mut links = 0;
            loop {
                if !matches!(pw.last, Last::Name(_)) {
                    return Err(Errno::EISDIR);
                }
                match lookup_last(&w, &pw)? {
                    Some(h) => {
                        if flags & O_EXCL != 0 {
                            return Err(Errno::EEXIST);
                        }
                        if h.file_type() == FileType::Symlink {
                            if flags & O_NOFOLLOW != 0 {
                                return Err(Errno::ELOOP);
                            }
                            links += 1;
                            if links > MAX_SYMLINKS {
                                return Err(Errno::ELOOP);
                            }
                            let target = h.inode.readlink()?;
                            if target.is_empty() {
                                return Err(Errno::ENOENT);
                            }
                            pw = w.walk_parent(&pw.dir, &target)?;
                            continue;
                        }
                        if h.file_type() == FileType::Directory {
                            return Err(Errno::EISDIR);
                        }
                        if pw.trailing_slash {
                            return Err(Errno::ENOTDIR);
                        }
                        break h;
                    }
                    None => {
                        if pw.trailing_slash {
                            return Err(Errno::EISDIR);
                        }
                        created = true;
                        break self.create_at(&pw, NewNode::Regular, mode)?;
                    }
                }
            }
        } else {
            let h = w.walk(start, path, flags & O_NOFOLLOW == 0)?;
            if h.file_type() == FileType::Symlink {
                return Err(Errno::ELOOP);
            }
            h
        };
        let ft = h.file_type();
        if flags & O_DIRECTORY != 0 && ft != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        if ft == FileType::Directory && (wants_write || flags & O_CREAT != 0) {
            return Err(Errno::EISDIR);
        }
        if !created {
            let mut may = 0;
            if wants_read {
                may |= MAY_READ;
            }
            if wants_write || flags & O_TRUNC != 0 {
                may |= MAY_WRITE;
            }
            permission(self.creds, &h, may)?;
        }
        let opened = match ft {
            FileType::Directory => Opened::File(NodeFile::dir(self.ctx, h.clone())),
            FileType::Regular => {
                if flags & O_TRUNC != 0 && wants_write && !created {
                    h.inode.setattr(&SetAttr { size: Some(0), ..Default::default() })?;
                }
                Opened::File(NodeFile::wrap(h.clone(), h.inode.open(flags)?))
            }
            FileType::Fifo => Opened::Fifo(h.clone()),
            FileType::CharDev | FileType::BlockDev => {
                if h.mnt.flags() & MS_NODEV != 0 {
                    return Err(Errno::EACCES);
                }
                let rdev = h.inode.stat()?.rdev;
                if ft == FileType::CharDev && matches!(major(rdev), 4 | 5 | 136) {
                    Opened::Tty(rdev)
                } else {
                    match h.inode.open(flags) {
                        Ok(ops) => Opened::File(NodeFile::wrap(h.clone(), ops)),
                        Err(Errno::ENXIO) if ft == FileType::CharDev => match devs(rdev) {
                            Some(ops) => Opened::File(NodeFile::wrap(h.clone(), ops?)),
                            None => return Err(Errno::ENXIO),
                        },
                        Err(e) => return Err(e),
                    }
                }
            }
            FileType::Socket => return Err(Errno::ENXIO),
            FileType::Symlink => return Err(Errno::ELOOP),
        };
        Ok((h, opened))
    }

    /// Open a file for execve: a regular file with exec permission, read
    /// whole. Returns the handle and the contents.
    pub fn open_exec(&self, start: &PathHandle, path: &[u8]) -> KResult<(PathHandle, Vec<u8>)> {
        let h = self.lookup(start, path, true)?;
        if h.file_type() != FileType::Regular {
            return Err(Errno::EACCES);
        }
        permission(self.creds, &h, MAY_EXEC)?;
        let ops = h.inode.open(O_RDONLY)?;
        Ok((h, read_all(&*ops)?))
    }

    pub fn mkdir(&self, start: &PathHandle, path: &[u8], mode: u32) -> KResult<()> {
        let pw = self.walker().walk_parent(start, path)?;
        self.create_at(&pw, NewNode::Directory, mode).map(|_| ())
    }

    /// `mknodat`: `mode` carries the type (0 means regular).
    pub fn mknod(&self, start: &PathHandle, path: &[u8], mode: u32, rdev: u64) -> KResult<PathHandle> {
        let node = match mode & S_IFMT {
            0 | S_IFREG => NewNode::Regular,
            S_IFIFO => NewNode::Fifo,
            S_IFSOCK => NewNode::Socket,
            S_IFCHR | S_IFBLK => {
                if !self.creds.is_fs_root() {
                    return Err(Errno::EPERM);
                }
                if mode & S_IFMT == S_IFCHR {
                    NewNode::CharDev(rdev)
                } else {
                    NewNode::BlockDev(rdev)
                }
            }
            S_IFDIR => return Err(Errno::EPERM),
            _ => return Err(Errno::EINVAL),
        };
        let pw = self.walker().walk_parent(start, path)?;
        if pw.trailing_slash && matches!(pw.last, Last::Name(_)) {
            // mknod("x/") : the name would have to be a directory.
            let w = self.walker();
            return match lookup_last(&w, &pw)? {
                Some(_) => Err(Errno::EEXIST),
                None => Err(Errno::ENOENT),
            };
        }
        self.create_at(&pw, node, mode)
    }

    pub fn symlink(&self, target: &[u8], start: &PathHandle, path: &[u8]) -> KResult<()> {
        if target.is_empty() {
            return Err(Errno::ENOENT);
        }
        if target.len() >= PATH_MAX {
            return Err(Errno::ENAMETOOLONG);
        }
        let pw = self.walker().walk_parent(start, path)?;
        if pw.trailing_slash {
            let w = self.walker();
            return match lookup_last(&w, &pw)? {
                Some(_) => Err(Errno::EEXIST),
                None => Err(Errno::ENOENT),
            };
        }
        self.create_at(&pw, NewNode::Symlink(target), 0o777).map(|_| ())
    }

    pub fn readlink(&self, start: &PathHandle, path: &[u8]) -> KResult<Vec<u8>> {
        let h = self.lookup(start, path, false)?;
        h.inode.readlink()
    }

    /// `linkat`: `old` is already resolved (following or not per
    /// AT_SYMLINK_FOLLOW).
    pub fn link(&self, old: &PathHandle, start: &PathHandle, path: &[u8]) -> KResult<()> {
        if old.file_type() == FileType::Directory {
            return Err(Errno::EPERM);
        }
        let pw = self.walker().walk_parent(start, path)?;
        let name = name_of(&pw, Errno::EEXIST)?;
        let w = self.walker();
        if lookup_last(&w, &pw)?.is_some() {
            return Err(Errno::EEXIST);
        }
        if pw.trailing_slash {
            return Err(Errno::ENOENT);
        }
        if pw.dir.mnt.id != old.mnt.id {
            return Err(Errno::EXDEV);
        }
        may_modify_dir(self.creds, &pw.dir)?;
        pw.dir.inode.link(name, &old.inode)
    }

    pub fn unlink(&self, start: &PathHandle, path: &[u8]) -> KResult<()> {
        let pw = self.walker().walk_parent(start, path)?;
        let name = name_of(&pw, Errno::EISDIR)?;
        let w = self.walker();
        let victim = lookup_last(&w, &pw)?.ok_or(Errno::ENOENT)?;
        if victim.file_type() == FileType::Directory {
            return Err(Errno::EISDIR);
        }
        if pw.trailing_slash {
            return Err(Errno::ENOTDIR);
        }
        may_modify_dir(self.creds, &pw.dir)?;
        check_sticky(self.creds, &pw.dir.inode.stat()?, &victim.inode.stat()?)?;
        pw.dir.inode.unlink(name)
    }

    pub fn rmdir(&self, start: &PathHandle, path: &[u8]) -> KResult<()> {
        let pw = self.walker().walk_parent(start, path)?;
        let name = match &pw.last {
            Last::Name(n) => n.clone(),
            Last::Dot => return Err(Errno::EINVAL),
            Last::DotDot => return Err(Errno::ENOTEMPTY),
        };
        let w = self.walker();
        let victim = lookup_last(&w, &pw)?.ok_or(Errno::ENOENT)?;
        if victim.file_type() != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        may_modify_dir(self.creds, &pw.dir)?;
        check_sticky(self.creds, &pw.dir.inode.stat()?, &victim.inode.stat()?)?;
        if is_busy(self.ctx, &victim) || victim.same(&self.ctx.root) {
            return Err(Errno::EBUSY);
        }
        pw.dir.inode.rmdir(&name)
    }

    /// `renameat2` with `RENAME_*` flags.
    pub fn rename(
        &self,
        old_start: &PathHandle,
        old_path: &[u8],
        new_start: &PathHandle,
        new_path: &[u8],
        flags: u32,
    ) -> KResult<()> {
        if flags & !(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT) != 0 {
            return Err(Errno::EINVAL);
        }
        if flags & RENAME_EXCHANGE != 0 && flags & (RENAME_NOREPLACE | RENAME_WHITEOUT) != 0 {
            return Err(Errno::EINVAL);
        }
        if flags & RENAME_WHITEOUT != 0 {
            return Err(Errno::EOPNOTSUPP);
        }
        let opw = self.walker().walk_parent(old_start, old_path)?;
        let npw = self.walker().walk_parent(new_start, new_path)?;
        let (oname, nname) = match (&opw.last, &npw.last) {
            (Last::Name(o), Last::Name(n)) => (o.clone(), n.clone()),
            _ => return Err(Errno::EBUSY),
        };
        let w = self.walker();
        let src = lookup_last(&w, &opw)?.ok_or(Errno::ENOENT)?;
        let dst = lookup_last(&w, &npw)?;
        if opw.dir.mnt.id != npw.dir.mnt.id {
            return Err(Errno::EXDEV);
        }
        let src_dir = src.file_type() == FileType::Directory;
        if !src_dir && (opw.trailing_slash || (npw.trailing_slash && flags & RENAME_EXCHANGE == 0 && dst.is_none())) {
            return Err(Errno::ENOTDIR);
        }
        may_modify_dir(self.creds, &opw.dir)?;
        may_modify_dir(self.creds, &npw.dir)?;
        let odst = opw.dir.inode.stat()?;
        check_sticky(self.creds, &odst, &src.inode.stat()?)?;
        if is_busy(self.ctx, &src) {
            return Err(Errno::EBUSY);
        }
        if let Some(d) = &dst {
            if flags & RENAME_NOREPLACE != 0 {
                return Err(Errno::EEXIST);
            }
            check_sticky(self.creds, &npw.dir.inode.stat()?, &d.inode.stat()?)?;
            if is_busy(self.ctx, d) {
                return Err(Errno::EBUSY);
            }
        } else if flags & RENAME_EXCHANGE != 0 {
            return Err(Errno::ENOENT);
        }
        // Moving a directory to a new parent rewrites its `..`.
        let moves = opw.dir.inode.ino() != npw.dir.inode.ino();
        if moves && src_dir && !self.creds.is_fs_root() {
            permission(self.creds, &src, MAY_WRITE)?;
        }
        opw.dir.inode.rename(&oname, &npw.dir.inode, &nname, flags)
    }

    pub fn chdir_target(&self, start: &PathHandle, path: &[u8]) -> KResult<PathHandle> {
        let h = self.lookup(start, path, true)?;
        check_chdir(self.creds, &h)?;
        Ok(h)
    }
}

/// chdir/fchdir/chroot target rules: a searchable directory.
pub fn check_chdir(creds: &Creds, h: &PathHandle) -> KResult<()> {
    if h.file_type() != FileType::Directory {
        return Err(Errno::ENOTDIR);
    }
    permission(creds, h, MAY_EXEC)
}

/// `chmod` on a resolved handle.
pub fn chmod(creds: &Creds, h: &PathHandle, mode: u32) -> KResult<()> {
    if h.mnt.read_only() {
        return Err(Errno::EROFS);
    }
    let st = h.inode.stat()?;
    if !creds.is_fs_root() && creds.fsuid != st.uid {
        return Err(Errno::EPERM);
    }
    let mut mode = mode & 0o7777;
    if !creds.is_fs_root() && !creds.in_group(st.gid) {
        mode &= !S_ISGID;
    }
    h.inode.setattr(&SetAttr { mode: Some(mode), ..Default::default() })
}

/// `chown` on a resolved handle (`None` = leave alone, i.e. -1).
pub fn chown(creds: &Creds, h: &PathHandle, uid: Option<u32>, gid: Option<u32>) -> KResult<()> {
    if h.mnt.read_only() {
        return Err(Errno::EROFS);
    }
    let st = h.inode.stat()?;
    if !creds.is_fs_root() {
        if uid.is_some_and(|u| u != st.uid) {
            return Err(Errno::EPERM);
        }
        if let Some(g) = gid {
            if creds.fsuid != st.uid || (g != st.gid && !creds.in_group(g)) {
                return Err(Errno::EPERM);
            }
        }
        if uid.is_some() && creds.fsuid != st.uid {
            return Err(Errno::EPERM);
        }
    }
    let mut attr = SetAttr { uid, gid, ..Default::default() };
    if (uid.is_some() || gid.is_some()) && h.file_type() != FileType::Directory {
        let mut mode = st.mode & 0o7777;
        mode &= !S_ISUID;
        if mode & 0o010 != 0 {
            mode &= !S_ISGID;
        }
        if mode != st.mode & 0o7777 {
            attr.mode = Some(mode);
        }
    }
    h.inode.setattr(&attr)
}

/// A `utimensat` time: set, now, or omit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSpec {
    Set(Timespec),
    Now,
    Omit,
}

/// `utimensat` on a resolved handle.
pub fn utimes(creds: &Creds, h: &PathHandle, atime: TimeSpec, mtime: TimeSpec, now: Timespec) -> KResult<()> {
    if atime == TimeSpec::Omit && mtime == TimeSpec::Omit {
        return Ok(());
    }
    if h.mnt.read_only() {
        return Err(Errno::EROFS);
    }
    let st = h.inode.stat()?;
    let owner = creds.is_fs_root() || creds.fsuid == st.uid;
    let explicit = matches!(atime, TimeSpec::Set(_)) || matches!(mtime, TimeSpec::Set(_));
    if !owner {
        if explicit {
            return Err(Errno::EPERM);
        }
        if !creds.permits(st.mode, st.uid, st.gid, MAY_WRITE) {
            return Err(Errno::EACCES);
        }
    }
    let pick = |t: TimeSpec| match t {
        TimeSpec::Set(t) => Some(t),
        TimeSpec::Now => Some(now),
        TimeSpec::Omit => None,
    };
    h.inode.setattr(&SetAttr { atime: pick(atime), mtime: pick(mtime), ..Default::default() })
}

/// `truncate` on a resolved handle (permission checked here).
pub fn truncate(creds: &Creds, h: &PathHandle, len: i64) -> KResult<()> {
    if len < 0 {
        return Err(Errno::EINVAL);
    }
    match h.file_type() {
        FileType::Directory => return Err(Errno::EISDIR),
        FileType::Regular => {}
        _ => return Err(Errno::EINVAL),
    }
    permission(creds, h, MAY_WRITE)?;
    h.inode.setattr(&SetAttr { size: Some(len as u64), ..Default::default() })
}

/// `faccessat` mode bits on a resolved handle (`creds` already real or
/// effective as AT_EACCESS says).
pub fn access(creds: &Creds, h: &PathHandle, mode: u32) -> KResult<()> {
    if mode & !7 != 0 {
        return Err(Errno::EINVAL);
    }
    if mode == 0 {
        return Ok(());
    }
    let mut may = 0;
    if mode & 4 != 0 {
        may |= MAY_READ;
    }
    if mode & 2 != 0 {
        may |= MAY_WRITE;
    }
    if mode & 1 != 0 {
        may |= MAY_EXEC;
    }
    permission(creds, h, may)
}

/// `statfs` of the file system holding `h`, with mount flags.
pub fn statfs(h: &PathHandle) -> KResult<StatFs> {
    let mut s = h.inode.statfs()?;
    if h.mnt.read_only() {
        s.flags |= 1;
    }
    let f = h.mnt.flags();
    if f & MS_NOSUID != 0 {
        s.flags |= 2;
    }
    if f & MS_NODEV != 0 {
        s.flags |= 4;
    }
    if f & MS_NOEXEC != 0 {
        s.flags |= 8;
    }
    s.flags |= 0x20; // ST_VALID
    Ok(s)
}

/// Read a whole file through its ops.
pub fn read_all(ops: &dyn FileOps) -> KResult<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 65536];
    loop {
        let n = ops.read(&mut buf, out.len() as u64)?;
        if n == 0 {
            return Ok(out);
        }
        out.extend_from_slice(&buf[..n]);
    }
}
