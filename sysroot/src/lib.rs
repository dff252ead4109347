//! Sysroot build crate.
