//! A request body that may be in memory or in a file, read in 64 KiB chunks so that
//! signing and verifying a 1 GiB file take constant memory.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Read};
use std::path::PathBuf;

/// The size of one read when streaming a body.
pub const CHUNK: usize = 64 * 1024;

/// Bodies up to this size are loaded whole when a scheme or the diagnosis needs them.
pub const IN_MEMORY_LIMIT: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone)]
pub enum Body {
    Mem(Vec<u8>),
    File { path: PathBuf, len: u64 },
}

impl Body {
    pub fn file(path: PathBuf) -> io::Result<Body> {
        let len = std::fs::metadata(&path)?.len();
        Ok(Body::File { path, len })
    }

    pub fn len(&self) -> u64 {
        match self {
            Body::Mem(b) => b.len() as u64,
            Body::File { len, .. } => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Calls `f` with the body's bytes in order, in chunks.
    pub fn feed(&self, f: &mut dyn FnMut(&[u8])) -> io::Result<()> {
        match self {
            Body::Mem(b) => {
                f(b);
                Ok(())
            }
            Body::File { path, .. } => feed_reader(&mut File::open(path)?, f),
        }
    }

    /// The whole body, when it is in memory or small enough to load.
    pub fn load(&self) -> io::Result<Option<Cow<'_, [u8]>>> {
        match self {
            Body::Mem(b) => Ok(Some(Cow::Borrowed(b))),
            Body::File { path, len } if *len <= IN_MEMORY_LIMIT => Ok(Some(Cow::Owned(std::fs::read(path)?))),
            Body::File { .. } => Ok(None),
        }
    }
}

/// Streams a reader into `f` in [`CHUNK`]-sized reads.
pub fn feed_reader(r: &mut dyn Read, f: &mut dyn FnMut(&[u8])) -> io::Result<()> {
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        f(&buf[..n]);
    }
}
