//! Credentials of a task (`struct cred`): real/effective/saved/fs ids and
//! supplementary groups, with the permission check every file system uses.

/// Task credentials. Cloned on fork, shared by nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Creds {
    pub uid: u32,
    pub euid: u32,
    pub suid: u32,
    pub fsuid: u32,
    pub gid: u32,
    pub egid: u32,
    pub sgid: u32,
    pub fsgid: u32,
    pub groups: Vec<u32>,
}

/// Access being checked, as the `MAY_*` bits of Linux.
pub const MAY_EXEC: u32 = 1;
pub const MAY_WRITE: u32 = 2;
pub const MAY_READ: u32 = 4;

impl Creds {
    /// Credentials with all ids set to `uid`/`gid` and no extra groups.
    pub fn new(uid: u32, gid: u32) -> Creds {
        Creds { uid, euid: uid, suid: uid, fsuid: uid, gid, egid: gid, sgid: gid, fsgid: gid, groups: Vec::new() }
    }

    /// Is the file-system uid root (CAP_DAC_OVERRIDE and friends)?
    pub fn is_fs_root(&self) -> bool {
        self.fsuid == 0
    }

    /// Is `gid` the fs gid or a supplementary group?
    pub fn in_group(&self, gid: u32) -> bool {
        self.fsgid == gid || self.groups.contains(&gid)
    }

    /// Classic Unix permission check of `may` (MAY_* bits) against an inode's
    /// `mode`/`uid`/`gid` (`generic_permission`): root may read/write
    /// anything and execute anything with at least one x bit (or a directory).
    pub fn permits(&self, mode: u32, uid: u32, gid: u32, may: u32) -> bool {
        const S_IFMT: u32 = 0o170000;
        const S_IFDIR: u32 = 0o040000;
        if self.is_fs_root() {
            if may & MAY_EXEC == 0 || mode & S_IFMT == S_IFDIR {
                return true;
            }
            return mode & 0o111 != 0;
        }
        let bits = if self.fsuid == uid {
            (mode >> 6) & 7
        } else if self.in_group(gid) {
            (mode >> 3) & 7
        } else {
            mode & 7
        };
        bits & may == may
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owner_group_other_and_root() {
        let alice = Creds::new(1000, 1000);
        assert!(alice.permits(0o100600, 1000, 0, MAY_READ | MAY_WRITE));
        assert!(!alice.permits(0o100600, 1001, 1000, MAY_READ));
        assert!(alice.permits(0o100060, 1001, 1000, MAY_READ));
        assert!(!alice.permits(0o100044, 1000, 0, MAY_READ), "owner bits win even when other allows");
        assert!(alice.permits(0o100004, 1001, 1001, MAY_READ));
        let root = Creds::new(0, 0);
        assert!(root.permits(0o100000, 5, 5, MAY_READ | MAY_WRITE));
        assert!(!root.permits(0o100644, 5, 5, MAY_EXEC));
        assert!(root.permits(0o100744, 5, 5, MAY_EXEC));
        assert!(root.permits(0o040000, 5, 5, MAY_EXEC));
    }
}
