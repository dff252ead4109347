//! FIFOs (man 7 fifo): the open rules and the O_RDWR end. The pipe
//! object lives in the FIFO inode's `fifo_slot`, made on first open.

use std::sync::Arc;

use super::{pipe_of, Pipe, PipeEnd};
use crate::error::{Errno, KResult};
use crate::file::{oflags::*, FileOps, OpenFile};
use crate::task::Task;
use crate::vfs::PathHandle;
use crate::Kernel;

/// Open the FIFO at `node` with open flags `flags` (man 7 fifo): a reader
/// waits for a writer and a writer for a reader unless O_NONBLOCK (then a
/// reader succeeds at once and a writer fails with ENXIO); O_RDWR never
/// waits. Returns the file object to install (its fstat is the inode's).
pub fn open_fifo(k: &Kernel, task: &Task, node: &PathHandle, flags: u32) -> KResult<Arc<dyn FileOps>> {
    let slot = node.inode.fifo_slot().ok_or(Errno::ENXIO)?;
    let any = slot.get_or_init(|| k.new_pipe() as Arc<dyn std::any::Any + Send + Sync>).clone();
    let pipe: Arc<Pipe> = any.downcast::<Pipe>().map_err(|_| Errno::ENXIO)?;
    let nonblock = flags & O_NONBLOCK != 0;
    match flags & O_ACCMODE {
        // Each side waits unless the other side was there the moment its own
        // end was counted (one lock), or comes later (its opens counter moves).
        // A peer that opens, does its work and closes while we wait has still
        // met us; a peer already waiting when we arrive is there.
        O_RDONLY => {
            let (end, (_, writers, _, w0)) = pipe.open_end_counted(false, Some(node.clone()));
            if !nonblock && writers == 0 {
                task.block_on(&k.host, &[&pipe.wq], None, false, || {
                    let (_, w, _, wo) = pipe.counts();
                    if w > 0 || wo > w0 {
                        Ok(())
                    } else {
                        Err(Errno::EAGAIN)
                    }
                })?;
            }
            Ok(end)
        }
        O_WRONLY => {
            if nonblock && pipe.counts().0 == 0 {
                return Err(Errno::ENXIO);
            }
            let (end, (readers, _, r0, _)) = pipe.open_end_counted(true, Some(node.clone()));
            if readers == 0 {
                if nonblock {
                    return Err(Errno::ENXIO);
                }
                task.block_on(&k.host, &[&pipe.wq], None, false, || {
                    let (r, _, ro, _) = pipe.counts();
                    if r > 0 || ro > r0 {
                        Ok(())
                    } else {
                        Err(Errno::EAGAIN)
                    }
                })?;
            }
            Ok(end)
        }
        O_RDWR => {
            // One end that both reads and writes: keep a reader and a writer.
            Ok(Arc::new(RdwrFifo {
                r: pipe.open_end(false, Some(node.clone())),
                w: pipe.open_end(true, Some(node.clone())),
            }))
        }
        _ => Err(Errno::EINVAL),
    }
}

/// A FIFO opened O_RDWR.
struct RdwrFifo {
    r: Arc<PipeEnd>,
    w: Arc<PipeEnd>,
}

impl FileOps for RdwrFifo {
    fn read(&self, buf: &mut [u8], off: u64) -> KResult<usize> {
        self.r.read(buf, off)
    }
    fn write(&self, data: &[u8], off: u64) -> KResult<usize> {
        self.w.write(data, off)
    }
    fn stat(&self) -> KResult<crate::file::Stat> {
        self.r.stat()
    }
    fn poll(&self) -> u32 {
        self.r.poll() | self.w.poll()
    }
    fn wait_queue(&self) -> Option<&crate::wait::WaitQueue> {
        Some(&self.r.pipe.wq)
    }
    fn nread(&self) -> Option<usize> {
        Some(self.r.pipe.len())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The pipe behind `file` (pipe, FIFO end or O_RDWR FIFO).
pub fn pipe_of_file(file: &OpenFile) -> Option<Arc<Pipe>> {
    pipe_of(&*file.ops).or_else(|| file.ops.as_any().downcast_ref::<RdwrFifo>().map(|f| f.r.pipe.clone()))
}
