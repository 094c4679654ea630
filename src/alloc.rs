//! The global allocator: mimalloc, called the cheap way (see [`Mimalloc`]).

/// mimalloc, asked for alignment only where its plain allocation does not give it.
/// Every mimalloc block is aligned to a word (its size classes are whole words), so
/// `u8`, `u16`, `u32`, `u64` and pointer-aligned types take `mi_malloc`'s fast path.
/// (The `mimalloc` crate asks `mi_malloc_aligned` for everything, which sends each
/// block over 1 KiB and each refill through its generic aligned path: over-allocation
/// and more work. BENCHMARKS.md has what this saves.)
pub struct Mimalloc;

const WORD: usize = std::mem::size_of::<usize>();

// SAFETY: each function forwards to mimalloc, which returns blocks of at least the size
// asked for (or null), aligned to a word always and to `layout.align()` on the aligned
// path; `mi_free` takes blocks from either path.
unsafe impl std::alloc::GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys::{mi_malloc, mi_malloc_aligned};
        if layout.align() <= WORD {
            // SAFETY: a plain allocation; a word's alignment is enough (above).
            unsafe { mi_malloc(layout.size()) }.cast()
        } else {
            // SAFETY: `Layout` guarantees a power-of-two alignment.
            unsafe { mi_malloc_aligned(layout.size(), layout.align()) }.cast()
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        use libmimalloc_sys::{mi_zalloc, mi_zalloc_aligned};
        if layout.align() <= WORD {
            // SAFETY: as in `alloc`.
            unsafe { mi_zalloc(layout.size()) }.cast()
        } else {
            // SAFETY: as in `alloc`.
            unsafe { mi_zalloc_aligned(layout.size(), layout.align()) }.cast()
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: std::alloc::Layout) {
        // SAFETY: the caller gives a block this allocator returned (either path).
        unsafe { libmimalloc_sys::mi_free(ptr.cast()) };
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        use libmimalloc_sys::{mi_realloc, mi_realloc_aligned};
        if layout.align() <= WORD {
            // SAFETY: the caller gives a block this allocator returned with `layout`,
            // whose alignment a plain block has.
            unsafe { mi_realloc(ptr.cast(), new_size) }.cast()
        } else {
            // SAFETY: the caller gives a block this allocator returned with `layout`,
            // from the aligned path.
            unsafe { mi_realloc_aligned(ptr.cast(), new_size, layout.align()) }.cast()
        }
    }
}

use std::sync::atomic::{AtomicU64, Ordering};

extern "C" {
    // In the mimalloc library that libmimalloc-sys builds and links (its Rust
    // declaration sits behind the crate's `extended` feature, which would add a crate).
    fn mi_collect(force: bool);
}

/// Large blocks taken so far (request bodies of megabytes): see [`give_back_when_quiet`].
static LARGE: AtomicU64 = AtomicU64::new(0);

/// Notes that a large block was taken or freed.
pub fn note_large() {
    LARGE.fetch_add(1, Ordering::Relaxed);
}

/// Gives back to the system the memory this thread has freed, and every delayed purge
/// that is due. mimalloc purges freed memory lazily, when a thread allocates or frees
/// again: a listener that goes quiet after a burst of large bodies would otherwise keep
/// the burst's pages resident. Harmless when mimalloc is not the global allocator (its
/// heaps are then empty).
pub fn give_back() {
    // SAFETY: mi_collect takes no pointer and may be called on any thread at any time.
    unsafe { mi_collect(true) }
}

/// Runs beside a thread's event loop, for as long as it runs: once large blocks were
/// noted ([`note_large`]) and a second then passed without any, gives this thread's
/// memory back ([`give_back`]). Blocks freed by another thread return to the thread that
/// took them only when it collects, so each thread that takes large blocks runs this.
pub async fn give_back_when_quiet() {
    let mut seen = LARGE.load(Ordering::Relaxed);
    let mut due = false;
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        let now = LARGE.load(Ordering::Relaxed);
        if now != seen {
            seen = now;
            due = true;
        } else if std::mem::take(&mut due) {
            give_back();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::{GlobalAlloc, Layout};

    #[test]
    fn blocks_are_aligned_sized_and_keep_their_bytes() {
        let a = Mimalloc;
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [
                0, 1, 7, 8, 9, 15, 16, 17, 24, 31, 100, 1023, 1024, 1025, 1100, 4000, 70_000, 300_000,
            ] {
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: every block is checked, written within its size and freed with its layout.
                unsafe {
                    for zeroed in [false, true] {
                        let p = if zeroed {
                            a.alloc_zeroed(layout)
                        } else {
                            a.alloc(layout)
                        };
                        assert!(!p.is_null(), "{size}/{align}");
                        assert_eq!(p as usize % align, 0, "{size}/{align}");
                        if zeroed {
                            assert!(std::slice::from_raw_parts(p, size).iter().all(|&b| b == 0));
                        }
                        for i in 0..size {
                            *p.add(i) = i as u8;
                        }
                        // Grown and shrunk: the bytes that fit are kept, alignment too.
                        let grown = a.realloc(p, layout, size * 2 + 3);
                        assert_eq!(grown as usize % align, 0, "{size}/{align} grown");
                        assert!((0..size).all(|i| *grown.add(i) == i as u8));
                        let bigger = Layout::from_size_align(size * 2 + 3, align).unwrap();
                        let shrunk = a.realloc(grown, bigger, size / 2);
                        assert_eq!(shrunk as usize % align, 0, "{size}/{align} shrunk");
                        assert!((0..size / 2).all(|i| *shrunk.add(i) == i as u8));
                        a.dealloc(shrunk, Layout::from_size_align(size / 2, align).unwrap());
                    }
                }
            }
        }
    }
}
