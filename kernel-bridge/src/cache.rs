//! Compiled-module cache: each module's content is compiled once per host
//! process (in-memory map: content hash → [`Program`]) and once per machine
//! (on-disk cache of `Module::serialize` output).
//!
//! Disk key: sha256(module bytes) ‖ sha256(engine compatibility fingerprint,
//! wasmtime version, this crate's cache format). Directory:
//! `$XDG_CACHE_HOME/wasmlinux` or `~/.cache/wasmlinux` (`WASMLINUX_CACHE_DIR`
//! overrides; `WASMLINUX_CACHE_DIR=off` disables the disk cache). Entries are
//! written to a temporary file and renamed into place (atomic). Each entry
//! starts with a 16-byte header: magic `WLC2`, CRC-32 of the payload, payload
//! length; an entry that fails that check or that wasmtime rejects is
//! ignored, recompiled and rewritten. (CRC-32 rather than a cryptographic
//! hash: it catches truncation and corruption, runs at memory speed on a
//! 10 MB artifact, and no checksum could stop someone who can write to the
//! cache directory, who could recompute any digest.)
//!
//! This module holds the bridge's only `unsafe`: `Module::deserialize` trusts
//! that its input is wasmtime output for this engine. We only pass bytes that
//! we wrote ourselves into our own cache directory and whose integrity check
//! passes, and wasmtime itself checks version and engine compatibility.

use std::collections::HashMap;
use std::hash::Hasher;
use std::io::Write;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module};

use crate::host::lock;

const FORMAT: &str = "wasmlinux-cache-v2";
const MAGIC: &[u8; 4] = b"WLC2";
const HEADER: usize = 16;

fn header(payload: &[u8]) -> [u8; HEADER] {
    let mut h = [0u8; HEADER];
    h[..4].copy_from_slice(MAGIC);
    h[4..8].copy_from_slice(&crc32fast::hash(payload).to_le_bytes());
    h[8..].copy_from_slice(&(payload.len() as u64).to_le_bytes());
    h
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
    dir: Option<PathBuf>,
    fingerprint: String,
    mem: Mutex<HashMap<[u8; 32], Module>>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn default_dir() -> Option<PathBuf> {
    match std::env::var_os("WASMLINUX_CACHE_DIR") {
        Some(v) if v == "off" => return None,
        Some(v) if !v.is_empty() => return Some(PathBuf::from(v)),
        _ => {}
    }
    if let Some(x) = std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(x).join("wasmlinux"));
    }
    std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .map(|h| PathBuf::from(h).join(".cache/wasmlinux"))
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
        Arc::new(ModuleCache {
            engine: engine.clone(),
            dir,
            fingerprint,
            mem: Mutex::new(HashMap::new()),
        })
    }

    /// The compiled module for `bytes`, from memory, disk, or a fresh compile.
    pub fn get(&self, bytes: &[u8]) -> wasmtime::Result<(Module, CacheSource)> {
        self.get_keyed(bytes, Sha256::digest(bytes).into())
    }

    /// [`ModuleCache::get`] when the caller already has `key` =
    /// sha256(`bytes`) (hashing a large module is not free).
    pub fn get_keyed(
        &self,
        bytes: &[u8],
        key: [u8; 32],
    ) -> wasmtime::Result<(Module, CacheSource)> {
        if let Some(m) = lock(&self.mem).get(&key) {
            return Ok((m.clone(), CacheSource::Memory));
        }
        let t0 = Instant::now();
        let path = self
            .dir
            .as_ref()
            .map(|d| d.join(format!("{}-{}.cwasm", hex(&key), self.fingerprint)));
        let (module, source) = match path.as_ref().and_then(|p| self.load(p)) {
            Some(m) => (m, CacheSource::Disk),
            None => {
                let m = Module::new(&self.engine, bytes)?;
                if let Some(p) = &path {
                    if let Err(e) = self.store(p, &m) {
                        tracing::debug!("module cache: cannot write {}: {e}", p.display());
                    }
                }
                (m, CacheSource::Compiled)
            }
        };
        tracing::debug!(
            "module {} {:?} in {:?}",
            hex(&key[..8]),
            source,
            t0.elapsed()
        );
        lock(&self.mem).insert(key, module.clone());
        Ok((module, source))
    }

    #[allow(unsafe_code)]
    fn load(&self, path: &PathBuf) -> Option<Module> {
        let data = std::fs::read(path).ok()?;
        if data.len() < HEADER || data[..HEADER] != header(&data[HEADER..]) {
            tracing::debug!("module cache: corrupt entry {} ignored", path.display());
            return None;
        }
        // SAFETY: the payload is `Module::serialize` output that this cache
        // wrote (see the module docs); its length and CRC matched, and
        // wasmtime checks the artifact's version and engine settings.
        match unsafe { Module::deserialize(&self.engine, &data[HEADER..]) } {
            Ok(m) => Some(m),
            Err(e) => {
                tracing::debug!("module cache: entry {} rejected: {e}", path.display());
                None
            }
        }
    }

    fn store(&self, path: &PathBuf, module: &Module) -> std::io::Result<()> {
        let payload = module.serialize().map_err(std::io::Error::other)?;
        let dir = path
            .parent()
            .ok_or_else(|| std::io::Error::other("no parent"))?;
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(
            ".tmp-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&header(&payload))?;
        f.write_all(&payload)?;
        f.sync_data()?;
        drop(f);
        std::fs::rename(&tmp, path).inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })
    }
}
