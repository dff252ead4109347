//! File systems: tmpfs (memory), hostfs (a confined host directory),
//! devfs (/dev), procfs (/proc). Each implements `vfs::Inode` and
//! `vfs::FileSystem`; none imports `syscall`.

pub mod boot;
pub mod devfs;
pub mod hostfs;
pub mod procfs;
pub mod tmpfs;
