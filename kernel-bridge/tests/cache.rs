//! The on-disk compiled-module cache: hits, and corrupt entries ignored.

use wasmlinux_bridge::cache::{CacheSource, ModuleCache};

#[test]
fn disk_cache_hits_and_survives_corruption() {
    let dir = std::env::temp_dir().join(format!("wasmlinux-cache-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let engine = wasmtime::Engine::default();
    let wasm = wat::parse_str(r#"(module (func (export "f") (result i32) i32.const 7))"#).unwrap();

    let c1 = ModuleCache::with_dir(&engine, Some(dir.clone()));
    assert_eq!(c1.get(&wasm).unwrap().1, CacheSource::Compiled);
    assert_eq!(c1.get(&wasm).unwrap().1, CacheSource::Memory);
    // A new process (fresh in-memory map) finds it on disk.
    let c2 = ModuleCache::with_dir(&engine, Some(dir.clone()));
    assert_eq!(c2.get(&wasm).unwrap().1, CacheSource::Disk);

    // Corrupt every entry: ignored, recompiled, rewritten.
    let entries: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(entries.len(), 1, "{entries:?}");
    let mut bytes = std::fs::read(&entries[0]).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&entries[0], &bytes).unwrap();
    let c3 = ModuleCache::with_dir(&engine, Some(dir.clone()));
    assert_eq!(c3.get(&wasm).unwrap().1, CacheSource::Compiled);
    // Truncated too.
    std::fs::write(&entries[0], b"short").unwrap();
    let c4 = ModuleCache::with_dir(&engine, Some(dir.clone()));
    assert_eq!(c4.get(&wasm).unwrap().1, CacheSource::Compiled);
    let c5 = ModuleCache::with_dir(&engine, Some(dir.clone()));
    assert_eq!(c5.get(&wasm).unwrap().1, CacheSource::Disk);

    // A different engine configuration never reuses the entry.
    let mut cfg = wasmtime::Config::new();
    cfg.epoch_interruption(true);
    let other = wasmtime::Engine::new(&cfg).unwrap();
    let c6 = ModuleCache::with_dir(&other, Some(dir.clone()));
    assert_eq!(c6.get(&wasm).unwrap().1, CacheSource::Compiled);
    let _ = std::fs::remove_dir_all(&dir);
}
