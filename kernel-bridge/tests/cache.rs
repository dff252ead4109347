//! The on-disk compiled-module cache: hits, corrupt or forged entries
//! ignored, and a cache directory a guest could reach detected.

use wasmlinux_bridge::cache::{exposing_path, CacheSource, ModuleCache};

fn entries(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "cwasm"))
        .collect();
    v.sort();
    v
}

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
    let entries = entries(&dir);
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

/// Someone who can write the cache directory but not read its key (a guest
/// with a writable mount of it would be one, were the CLI not to refuse
/// that) cannot plant code: an entry carrying another MAC key's header, or
/// another module's valid entry renamed, is ignored and recompiled.
#[test]
fn forged_or_swapped_entries_are_not_loaded() {
    use std::os::unix::fs::PermissionsExt;
    let dir = std::env::temp_dir().join(format!("wasmlinux-cache-forge-{}", std::process::id()));
    let other_dir = std::env::temp_dir().join(format!("wasmlinux-cache-forge2-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&other_dir);
    let engine = wasmtime::Engine::default();
    let a = wat::parse_str(r#"(module (func (export "f") (result i32) i32.const 1))"#).unwrap();
    let b = wat::parse_str(r#"(module (func (export "f") (result i32) i32.const 2))"#).unwrap();
    ModuleCache::with_dir(&engine, Some(dir.clone())).get(&a).unwrap();
    ModuleCache::with_dir(&engine, Some(dir.clone())).get(&b).unwrap();
    let key = dir.join("key");
    assert_eq!(std::fs::metadata(&key).unwrap().len(), 32);
    assert_eq!(std::fs::metadata(&key).unwrap().permissions().mode() & 0o777, 0o600);
    let e = entries(&dir);
    assert_eq!(e.len(), 2);
    // Swap: b's authentic entry under a's name.
    let a_bytes = std::fs::read(&e[0]).unwrap();
    std::fs::copy(&e[1], &e[0]).unwrap();
    let c = ModuleCache::with_dir(&engine, Some(dir.clone()));
    let (m, src) = c.get(&a).unwrap();
    assert_eq!(src, CacheSource::Compiled);
    let mut store = wasmtime::Store::new(&engine, ());
    let inst = wasmtime::Instance::new(&mut store, &m, &[]).unwrap();
    assert_eq!(inst.get_typed_func::<(), i32>(&mut store, "f").unwrap().call(&mut store, ()).unwrap(), 1);
    // Forged: an entry made with another directory's key.
    ModuleCache::with_dir(&engine, Some(other_dir.clone())).get(&a).unwrap();
    let forged = entries(&other_dir).remove(0);
    std::fs::copy(&forged, &e[0]).unwrap();
    assert_ne!(std::fs::read(&e[0]).unwrap(), a_bytes);
    assert_eq!(ModuleCache::with_dir(&engine, Some(dir.clone())).get(&a).unwrap().1, CacheSource::Compiled);
    assert_eq!(ModuleCache::with_dir(&engine, Some(dir.clone())).get(&a).unwrap().1, CacheSource::Disk);
    // A key file others can read is not trusted: no disk cache at all.
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(ModuleCache::with_dir(&engine, Some(dir.clone())).get(&a).unwrap().1, CacheSource::Compiled);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&other_dir);
}

#[test]
fn cache_dir_reachable_through_a_mount_is_detected() {
    let base = std::env::temp_dir().join(format!("wasmlinux-cache-expose-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(base.join("home/.cache")).unwrap();
    std::fs::create_dir_all(base.join("elsewhere")).unwrap();
    std::os::unix::fs::symlink(base.join("home"), base.join("link")).unwrap();
    let cache = base.join("home/.cache/wasmlinux"); // does not exist yet
    let home = base.join("home");
    let link = base.join("link");
    let elsewhere = base.join("elsewhere");
    let inside = base.join("home/.cache/wasmlinux/sub");
    assert_eq!(exposing_path(&cache, &[&elsewhere]), None);
    assert_eq!(exposing_path(&cache, &[&elsewhere, &home]), Some(home.clone()));
    assert_eq!(exposing_path(&cache, &[&link]), Some(link.clone()), "through a symlink");
    assert_eq!(exposing_path(&cache, &[&inside]), Some(inside.clone()), "a mount inside the cache");
    let _ = std::fs::remove_dir_all(&base);
}
