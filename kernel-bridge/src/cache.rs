//! Compiled-module cache: each module's content is compiled once per host
//! process (in-memory map: content hash → [`Program`]) and once per machine
//! (on-disk cache of `Module::serialize` output).
//!
//! Disk key: sha256(module bytes) ‖ sha256(engine compatibility fingerprint,
//! wasmtime version, this crate's cache format). Directory:
//! `$XDG_CACHE_HOME/wasmlinux` or `~/.cache/wasmlinux` (`WASMLINUX_CACHE_DIR`
//! overrides; `WASMLINUX_CACHE_DIR=off` disables the disk cache). Entries are
//! written to a temporary file and renamed into place (atomic).
//!
//! Entries are native code, so they are authenticated: the directory holds
//! `key`, 32 random bytes (mode 0600, created once), and each entry starts
//! with a 44-byte header: magic `WLC3`, payload length, and the BLAKE3 keyed
//! hash (a MAC) of fingerprint ‖ module hash ‖ payload. An entry whose MAC
//! does not match — corrupt, truncated, written by anyone without the key,
//! or an entry of another module renamed — is ignored, recompiled and
//! rewritten. BLAKE3 runs at several GB/s, so checking a 10 MB artifact
//! costs a few ms. A guest must never reach the directory: the CLI turns the
//! disk cache off for a run whose root or mounts expose it
//! ([`exposing_path`]).
//!
//! This module holds the bridge's only `unsafe`: `Module::deserialize` trusts
//! that its input is wasmtime output for this engine. We only pass bytes
//! whose MAC proves that this cache wrote them, and wasmtime itself checks
//! version and engine compatibility.

use std::collections::HashMap;
use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module};

use crate::host::lock;

const FORMAT: &str = "wasmlinux-cache-v3";
const MAGIC: &[u8; 4] = b"WLC3";
const HEADER: usize = 44;
const KEY_FILE: &str = "key";

/// The entry header for `payload` of module `module_key`.
fn header(key: &[u8; 32], fingerprint: &str, module_key: &[u8; 32], payload: &[u8]) -> [u8; HEADER] {
    let mac =
        blake3::Hasher::new_keyed(key).update(fingerprint.as_bytes()).update(module_key).update(payload).finalize();
    let mut h = [0u8; HEADER];
    h[..4].copy_from_slice(MAGIC);
    h[4..12].copy_from_slice(&(payload.len() as u64).to_le_bytes());
    h[12..].copy_from_slice(mac.as_bytes());
    h
}

/// Does `header` (an entry's first bytes) authenticate `payload`? Constant
/// time in the MAC comparison.
fn header_ok(key: &[u8; 32], fingerprint: &str, module_key: &[u8; 32], data: &[u8]) -> bool {
    if data.len() < HEADER || &data[..4] != MAGIC || data[4..12] != ((data.len() - HEADER) as u64).to_le_bytes() {
        return false;
    }
    let want = header(key, fingerprint, module_key, &data[HEADER..]);
    let got: [u8; 32] = data[12..HEADER].try_into().unwrap_or([0; 32]);
    blake3::Hash::from_bytes(got) == blake3::Hash::from_bytes(want[12..].try_into().unwrap_or([1; 32]))
}

/// The cache directory's MAC key: read `dir/key`, or create it (random,
/// 0600, never replacing one another process made first).
fn load_or_create_key(dir: &Path) -> std::io::Result<[u8; 32]> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let path = dir.join(KEY_FILE);
    let read = |p: &Path| -> std::io::Result<[u8; 32]> {
        let md = std::fs::symlink_metadata(p)?;
        if !md.is_file() || md.permissions().mode() & 0o077 != 0 {
            return Err(std::io::Error::other(format!("{} is not a private regular file", p.display())));
        }
        std::fs::read(p)?.try_into().map_err(|_| std::io::Error::other(format!("{} is not 32 bytes", p.display())))
    };
    match read(&path) {
        Ok(k) => return Ok(k),
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        Err(_) => {}
    }
    std::fs::create_dir_all(dir)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).ok();
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| std::io::Error::other(e.to_string()))?;
    let tmp = dir.join(format!(".key-{}", std::process::id()));
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&tmp)?;
    f.write_all(&key)?;
    f.sync_data()?;
    drop(f);
    // hard_link fails if another process created the key first: use theirs.
    let linked = std::fs::hard_link(&tmp, &path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(key),
        Err(_) => read(&path),
    }
}

/// If the guest could reach `cache_dir` (it lies inside, or contains, one of
/// the host paths `exposed` to it: the root copy's source, mounts), the
/// exposed path that does it. Paths are compared after resolving symlinks;
/// a cache directory that does not exist yet is judged by its nearest
/// existing ancestor.
pub fn exposing_path(cache_dir: &Path, exposed: &[&Path]) -> Option<PathBuf> {
    let canon = |p: &Path| -> Option<PathBuf> {
        let mut rest = Vec::new();
        let mut cur = p.to_path_buf();
        loop {
            if let Ok(c) = std::fs::canonicalize(&cur) {
                return Some(rest.iter().rev().fold(c, |acc: PathBuf, n: &std::ffi::OsString| acc.join(n)));
            }
            rest.push(cur.file_name()?.to_os_string());
            cur = cur.parent()?.to_path_buf();
        }
    };
    let cache = canon(cache_dir)?;
    exposed.iter().find_map(|e| {
        let e_c = canon(e)?;
        (cache.starts_with(&e_c) || e_c.starts_with(&cache)).then(|| e.to_path_buf())
    })
}

/// A hasher that feeds `Hash` output into sha256 (for the engine fingerprint,
/// whose only stable interface is `impl Hash`).
struct ShaHasher(Sha256);
impl Hasher for ShaHasher {
    fn finish(&self) -> u64 {
        0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

/// Where a module came from (for logs and measurements).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheSource {
    Memory,
    Disk,
    Compiled,
}

pub struct ModuleCache {
    engine: Engine,
    /// The disk cache directory and its MAC key (`None`: no disk cache).
    dir: Option<(PathBuf, [u8; 32])>,
    fingerprint: String,
    mem: Mutex<HashMap<[u8; 32], Module>>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The disk cache directory this process would use (`None`: off).
pub fn default_dir() -> Option<PathBuf> {
    match std::env::var_os("WASMLINUX_CACHE_DIR") {
        Some(v) if v == "off" => return None,
        Some(v) if !v.is_empty() => return Some(PathBuf::from(v)),
        _ => {}
    }
    if let Some(x) = std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(x).join("wasmlinux"));
    }
    std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| PathBuf::from(h).join(".cache/wasmlinux"))
}

impl ModuleCache {
    pub fn new(engine: &Engine) -> Arc<ModuleCache> {
        Self::with_dir(engine, default_dir())
    }

    pub fn with_dir(engine: &Engine, dir: Option<PathBuf>) -> Arc<ModuleCache> {
        let mut h = ShaHasher(Sha256::new());
        std::hash::Hash::hash(&engine.precompile_compatibility_hash(), &mut h);
        h.0.update(FORMAT.as_bytes());
        h.0.update(env!("CARGO_PKG_VERSION").as_bytes());
        let fingerprint = hex(&h.0.finalize()[..16]);
        let dir = dir.and_then(|d| match load_or_create_key(&d) {
            Ok(key) => Some((d, key)),
            Err(e) => {
                tracing::debug!("module cache: no key in {}: {e}; disk cache off", d.display());
                None
            }
        });
        Arc::new(ModuleCache { engine: engine.clone(), dir, fingerprint, mem: Mutex::new(HashMap::new()) })
    }

    /// The compiled module for `bytes`, from memory, disk, or a fresh compile.
    pub fn get(&self, bytes: &[u8]) -> wasmtime::Result<(Module, CacheSource)> {
        self.get_keyed(bytes, Sha256::digest(bytes).into())
    }

    /// [`ModuleCache::get`] when the caller already has `key` =
    /// sha256(`bytes`) (hashing a large module is not free).
    pub fn get_keyed(&self, bytes: &[u8], key: [u8; 32]) -> wasmtime::Result<(Module, CacheSource)> {
        if let Some(m) = lock(&self.mem).get(&key) {
            return Ok((m.clone(), CacheSource::Memory));
        }
        let t0 = Instant::now();
        let path = self.dir.as_ref().map(|(d, _)| d.join(format!("{}-{}.cwasm", hex(&key), self.fingerprint)));
        let (module, source) = match path.as_ref().and_then(|p| self.load(p, &key)) {
            Some(m) => (m, CacheSource::Disk),
            None => {
                let m = Module::new(&self.engine, bytes)?;
                if let Some(p) = &path {
                    if let Err(e) = self.store(p, &key, &m) {
                        tracing::debug!("module cache: cannot write {}: {e}", p.display());
                    }
                }
                (m, CacheSource::Compiled)
            }
        };
        tracing::debug!("module {} {:?} in {:?}", hex(&key[..8]), source, t0.elapsed());
        lock(&self.mem).insert(key, module.clone());
        Ok((module, source))
    }

    #[allow(unsafe_code)]
    fn load(&self, path: &PathBuf, module_key: &[u8; 32]) -> Option<Module> {
        let (_, mac_key) = self.dir.as_ref()?;
        let data = std::fs::read(path).ok()?;
        if !header_ok(mac_key, &self.fingerprint, module_key, &data) {
            tracing::debug!("module cache: unauthenticated entry {} ignored", path.display());
            return None;
        }
        // SAFETY: the payload is `Module::serialize` output that this cache
        // wrote for this module (see the module docs): its keyed MAC, which
        // only holders of the directory's private key can compute, matched;
        // and wasmtime checks the artifact's version and engine settings.
        match unsafe { Module::deserialize(&self.engine, &data[HEADER..]) } {
            Ok(m) => Some(m),
            Err(e) => {
                tracing::debug!("module cache: entry {} rejected: {e}", path.display());
                None
            }
        }
    }

    fn store(&self, path: &PathBuf, module_key: &[u8; 32], module: &Module) -> std::io::Result<()> {
        let Some((_, mac_key)) = self.dir.as_ref() else { return Ok(()) };
        let payload = module.serialize().map_err(std::io::Error::other)?;
        let dir = path.parent().ok_or_else(|| std::io::Error::other("no parent"))?;
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(".tmp-{}-{:?}", std::process::id(), std::thread::current().id()));
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&header(mac_key, &self.fingerprint, module_key, &payload))?;
        f.write_all(&payload)?;
        f.sync_data()?;
        drop(f);
        std::fs::rename(&tmp, path).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }
}
