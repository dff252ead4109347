//! The path walk (`namei`): component by component from a start handle,
//! following symbolic links (at most 40 in one walk → `ELOOP`), crossing
//! mount points downwards and `..` upwards, never above the caller's root
//! (chroot), checking search permission on every directory.

use crate::cred::{Creds, MAY_EXEC};
use crate::error::{Errno, KResult};

use super::{FileType, FsContext, PathHandle};

/// `PATH_MAX` including the terminating NUL.
pub const PATH_MAX: usize = 4096;
/// `NAME_MAX`.
pub const NAME_MAX: usize = 255;
/// Symbolic links followed in one walk (`MAXSYMLINKS`).
pub const MAX_SYMLINKS: u32 = 40;

/// The last component of a path, as the parent walk leaves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Last {
    Name(Vec<u8>),
    /// `.` or a path that is only slashes (`/`).
    Dot,
    DotDot,
}

/// A resolved parent directory and the last component.
#[derive(Debug, Clone)]
pub struct ParentWalk {
    pub dir: PathHandle,
    pub last: Last,
    /// The path ended in `/` (the last component must be a directory).
    pub trailing_slash: bool,
}

/// One walk: the context, credentials and the symlink budget.
pub struct Walker<'a> {
    pub ctx: &'a FsContext,
    pub creds: &'a Creds,
    links: u32,
}

/// Check the length rules of a whole path (ENAMETOOLONG, ENOENT for empty).
pub fn check_path(path: &[u8]) -> KResult<()> {
    if path.is_empty() {
        return Err(Errno::ENOENT);
    }
    if path.len() >= PATH_MAX {
        return Err(Errno::ENAMETOOLONG);
    }
    Ok(())
}

fn components(path: &[u8]) -> impl Iterator<Item = &[u8]> {
    path.split(|&b| b == b'/').filter(|c| !c.is_empty())
}

impl<'a> Walker<'a> {
    pub fn new(ctx: &'a FsContext, creds: &'a Creds) -> Walker<'a> {
        Walker { ctx, creds, links: 0 }
    }

    /// May the caller search (`x`) directory `dir`?
    fn may_search(&self, dir: &PathHandle) -> KResult<()> {
        if dir.file_type() != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        let st = dir.inode.stat()?;
        if self.creds.permits(st.mode, st.uid, st.gid, MAY_EXEC) {
            Ok(())
        } else {
            Err(Errno::EACCES)
        }
    }

    /// Follow mounts stacked on `h`.
    fn cross_down(&self, mut h: PathHandle) -> PathHandle {
        if h.file_type() != FileType::Directory {
            return h;
        }
        while let Some(m) = self.ctx.ns.mounted_on(&h.mnt, h.inode.ino()) {
            h = PathHandle { inode: m.root.clone(), mnt: m };
        }
        h
    }

    /// The parent of `h` (`..`), staying at the caller's root.
    pub fn dotdot(&self, h: &PathHandle) -> KResult<PathHandle> {
        let mut cur = h.clone();
        loop {
            if cur.same(&self.ctx.root) {
                return Ok(cur);
            }
            if !cur.is_mount_root() {
                break;
            }
            match &cur.mnt.parent {
                Some((pm, pi)) => cur = PathHandle { mnt: pm.clone(), inode: pi.clone() },
                // The namespace root: `..` is itself.
                None => return Ok(cur),
            }
        }
        let (parent, _) = cur.inode.parent().ok_or(Errno::ENOENT)?;
        Ok(self.cross_down(PathHandle { mnt: cur.mnt.clone(), inode: parent }))
    }

    /// Step from directory `dir` to its entry `name` (no symlink following).
    pub fn step(&self, dir: &PathHandle, name: &[u8]) -> KResult<PathHandle> {
        self.may_search(dir)?;
        match name {
            b"." => Ok(dir.clone()),
            b".." => self.dotdot(dir),
            _ => {
                if name.len() > NAME_MAX {
                    return Err(Errno::ENAMETOOLONG);
                }
                let child = dir.inode.lookup(name)?;
                Ok(self.cross_down(PathHandle { mnt: dir.mnt.clone(), inode: child }))
            }
        }
    }

    /// Replace the symlink `link` (found in `dir`) by what it points to.
    fn follow(&mut self, dir: &PathHandle, link: &PathHandle) -> KResult<PathHandle> {
        self.links += 1;
        if self.links > MAX_SYMLINKS {
            return Err(Errno::ELOOP);
        }
        let target = link.inode.readlink()?;
        if target.is_empty() {
            return Err(Errno::ENOENT);
        }
        self.walk(dir, &target, true)
    }

    /// Resolve `path` from `start` (absolute paths start at the root).
    /// `follow_last`: follow a symlink in the last component. A trailing
    /// slash always follows and requires a directory.
    pub fn walk(&mut self, start: &PathHandle, path: &[u8], follow_last: bool) -> KResult<PathHandle> {
        check_path(path)?;
        let mut cur = if path[0] == b'/' { self.ctx.root.clone() } else { start.clone() };
        let trailing = path.last() == Some(&b'/');
        let comps: Vec<&[u8]> = components(path).collect();
        let n = comps.len();
        for (i, name) in comps.into_iter().enumerate() {
            let is_last = i + 1 == n;
            let next = self.step(&cur, name)?;
            if next.file_type() == FileType::Symlink && (!is_last || follow_last || trailing) {
                cur = self.follow(&cur, &next)?;
            } else {
                cur = next;
            }
        }
        if trailing && cur.file_type() != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        Ok(cur)
    }

    /// Resolve everything but the last component of `path`.
    pub fn walk_parent(&mut self, start: &PathHandle, path: &[u8]) -> KResult<ParentWalk> {
        check_path(path)?;
        let trailing_slash = path.last() == Some(&b'/');
        let mut comps: Vec<&[u8]> = components(path).collect();
        let base = if path[0] == b'/' { self.ctx.root.clone() } else { start.clone() };
        let last = match comps.pop() {
            None => return Ok(ParentWalk { dir: base, last: Last::Dot, trailing_slash }),
            Some(b".") => Last::Dot,
            Some(b"..") => Last::DotDot,
            Some(name) => {
                if name.len() > NAME_MAX {
                    return Err(Errno::ENAMETOOLONG);
                }
                Last::Name(name.to_vec())
            }
        };
        let mut cur = base;
        for name in comps {
            let next = self.step(&cur, name)?;
            cur = if next.file_type() == FileType::Symlink { self.follow(&cur, &next)? } else { next };
        }
        if cur.file_type() != FileType::Directory {
            return Err(Errno::ENOTDIR);
        }
        Ok(ParentWalk { dir: cur, last, trailing_slash })
    }
}

/// The path of `h` as seen from the caller's root (`getcwd`, /proc links).
/// `ENOENT` when a directory on the way was removed. A handle outside the
/// caller's root gets the `(unreachable)` prefix, as Linux does.
pub fn path_of(ctx: &FsContext, h: &PathHandle) -> KResult<Vec<u8>> {
    let mut parts: Vec<Vec<u8>> = Vec::new();
    let mut cur = h.clone();
    let mut reachable = true;
    let mut guard = 0;
    loop {
        guard += 1;
        if guard > 4096 {
            return Err(Errno::ELOOP);
        }
        if cur.same(&ctx.root) {
            break;
        }
        if cur.is_mount_root() {
            match &cur.mnt.parent {
                Some((pm, pi)) => {
                    cur = PathHandle { mnt: pm.clone(), inode: pi.clone() };
                    continue;
                }
                None => {
                    reachable = false;
                    break;
                }
            }
        }
        if cur.file_type() == FileType::Directory && cur.inode.is_dead() {
            return Err(Errno::ENOENT);
        }
        let (parent, name) = cur.inode.parent().ok_or(Errno::ENOENT)?;
        parts.push(name);
        cur = PathHandle { mnt: cur.mnt.clone(), inode: parent };
    }
    let mut out = Vec::new();
    if !reachable {
        out.extend_from_slice(b"(unreachable)");
    }
    for p in parts.iter().rev() {
        out.push(b'/');
        out.extend_from_slice(p);
    }
    if out.is_empty() || !reachable && parts.is_empty() {
        out.push(b'/');
    }
    Ok(out)
}
