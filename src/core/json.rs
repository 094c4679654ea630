//! JSON on the hot paths: writing the listener's capture record (one per request),
//! strings escaped sixteen bytes at a time, byte for byte what `serde_json` writes; and
//! a strict cursor for reading capture lines back (replay reads one per request),
//! which gives up (`None`) on anything unexpected so that the caller can hand the
//! text to `serde_json`. Everything else about JSON goes through `serde_json`.

/// What each byte becomes after a backslash: `u` for `\u00XX`, 0 for "as it is".
/// The same choices as `serde_json` (`\b \t \n \f \r \" \\`, other controls as `\u00XX`).
static ESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = b'u';
        i += 1;
    }
    t[0x08] = b'b';
    t[0x09] = b't';
    t[0x0a] = b'n';
    t[0x0c] = b'f';
    t[0x0d] = b'r';
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t
};

/// The bytes among the sixteen at `p` that need escaping (a byte under 0x20, a `"` or a
/// `\\`), one bit each, lowest bit first.
///
/// # Safety
/// `p` must point at sixteen readable bytes.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn special16(p: *const u8) -> u32 {
    use std::arch::x86_64::*;
    // SAFETY: the caller gives sixteen readable bytes at `p` (an unaligned load);
    // SSE2 is part of x86_64 itself: always there.
    unsafe {
        let x = _mm_loadu_si128(p as *const __m128i);
        let quote = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'"' as i8));
        let backslash = _mm_cmpeq_epi8(x, _mm_set1_epi8(b'\\' as i8));
        // x <= 0x1f (unsigned) exactly when min(x, 0x1f) == x.
        let control = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1f)), x);
        _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)) as u32
    }
}

/// [`special16_portable`], where SSE2 is not to be had.
///
/// # Safety
/// `p` must point at sixteen readable bytes.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
unsafe fn special16(p: *const u8) -> u32 {
    // SAFETY: the caller gives sixteen readable bytes at `p`; `[u8; 16]` needs no alignment.
    special16_portable(unsafe { &*(p as *const [u8; 16]) })
}

/// [`special16`] eight bytes at a time in a `u64`, without SIMD: the code off x86_64,
/// compiled everywhere (a test holds it to the SSE2 code on x86_64).
#[cfg_attr(all(target_arch = "x86_64", not(test)), allow(dead_code))]
#[inline(always)]
fn special16_portable(b: &[u8; 16]) -> u32 {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    const SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // The top bit of each lane that is a control, a `"` or a `\\`. Exact: no lane's
    // sum carries into the next.
    let lanes = |w: u64| {
        let zero = |t: u64| !(((t & SEVEN) + SEVEN) | t);
        let control = !(((w & SEVEN) + LO * 0x60) | w);
        (control | zero(w ^ (LO * b'"' as u64)) | zero(w ^ (LO * b'\\' as u64))) & HI
    };
    // One bit per lane: gather the top bits into the top byte.
    let bits = |m: u64| (((m >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56) as u32;
    let w = |k: usize| u64::from_le_bytes(b[k..k + 8].try_into().expect("eight bytes"));
    bits(lanes(w(0))) | (bits(lanes(w(8))) << 8)
}

/// The quotes, backslashes and control bytes among the 64 bytes at `p`, one bit each
/// (lowest first).
///
/// # Safety
/// `p` must point at 64 readable bytes.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
unsafe fn classify64(p: *const u8) -> (u64, u64, u64) {
    use std::arch::x86_64::*;
    let (mut quote, mut backslash, mut control) = (0u64, 0u64, 0u64);
    for k in 0..4 {
        // SAFETY: the caller gives 64 readable bytes at `p`: this block's sixteen are
        // among them (an unaligned load); SSE2 is part of x86_64.
        unsafe {
            let x = _mm_loadu_si128(p.add(16 * k) as *const __m128i);
            let bits = |m: __m128i| u64::from(_mm_movemask_epi8(m) as u16) << (16 * k);
            quote |= bits(_mm_cmpeq_epi8(x, _mm_set1_epi8(b'"' as i8)));
            backslash |= bits(_mm_cmpeq_epi8(x, _mm_set1_epi8(b'\\' as i8)));
            // x <= 0x1f (unsigned) exactly when min(x, 0x1f) == x.
            control |= bits(_mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1f)), x));
        }
    }
    (quote, backslash, control)
}

/// [`classify64_portable`], where SSE2 is not to be had.
///
/// # Safety
/// `p` must point at 64 readable bytes.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
unsafe fn classify64(p: *const u8) -> (u64, u64, u64) {
    // SAFETY: the caller gives 64 readable bytes at `p`; `[u8; 64]` needs no alignment.
    classify64_portable(unsafe { &*(p as *const [u8; 64]) })
}

/// [`classify64`] a byte at a time, without SIMD: the code off x86_64, compiled
/// everywhere (a test holds it to the SSE2 code on x86_64).
#[cfg_attr(all(target_arch = "x86_64", not(test)), allow(dead_code))]
#[inline(always)]
fn classify64_portable(b: &[u8; 64]) -> (u64, u64, u64) {
    let (mut quote, mut backslash, mut control) = (0u64, 0u64, 0u64);
    for (k, &c) in b.iter().enumerate() {
        quote |= u64::from(c == b'"') << k;
        backslash |= u64::from(c == b'\\') << k;
        control |= u64::from(c < 0x20) << k;
    }
    (quote, backslash, control)
}

/// Of a run of backslashes, every other one starts an escape: the bits of `backslash`
/// that start one, and the bits of the bytes they escape, for a block that does not
/// begin inside an escape (simdjson's carry trick: adding the run's starts on even
/// bits to the run sets, at its end, the byte after an odd run).
#[inline(always)]
fn escapes64(backslash: u64) -> (u64, u64) {
    const ODD: u64 = 0xaaaa_aaaa_aaaa_aaaa;
    let codes = ((backslash << 1) | ODD).wrapping_sub(backslash) ^ ODD;
    (codes & backslash, codes ^ backslash)
}

/// Unescapes 64 bytes of a JSON string at `b[p..]` (not inside an escape) to `d`, as far
/// as it can: it stops before the closing quote, a control byte, a `\u` or unknown
/// escape, or an escape that ends past the block, and returns how many bytes it read
/// (64 when it stopped at none) and wrote. The block is classified once; each run
/// between escapes is moved sixteen bytes at a time; a block whose escapes are all `\"`
/// and `\\` only drops their backslashes, and any other two-byte escape costs a table
/// look-up and one store.
///
/// # Safety
/// 80 bytes must be readable at `b[p..]`, and `d` must have room for 80 bytes.
#[inline(always)]
unsafe fn unescape64(b: &[u8], p: usize, d: *mut u8, shuffles: bool) -> (usize, usize) {
    // SAFETY: the caller gives 80 readable bytes at `b[p..]`.
    let (quote, backslash, control) = unsafe { classify64(b.as_ptr().add(p)) };
    let (mut starts, escaped) = escapes64(backslash);
    let ends = (quote & !escaped) | control;
    let limit = if ends == 0 { 64 } else { ends.trailing_zeros() as usize };
    if limit < 64 {
        starts &= (1u64 << limit) - 1;
    }
    // The usual block of a JSON text inside JSON: every escape is `\"` or `\\`, which
    // stand for the byte they escape. Dropping each backslash is all there is to do: the
    // byte after it goes with the next run. (An escape at the last byte is left to the
    // caller, with what follows it.)
    let identity = (starts << 1) & !(quote | backslash) == 0;
    let limit = if identity && starts >> 63 != 0 { 63 } else { limit };
    if identity {
        starts &= !(1 << 63);
        #[cfg(target_arch = "x86_64")]
        if shuffles {
            // SAFETY: 64 of the 80 readable bytes at `b[p..]`, room for 80 at `d`, and
            // `shuffles` only where SSSE3 was found ([`ssse3`]).
            return (limit, unsafe { drop_bytes64(b.as_ptr().add(p), starts, limit, d) });
        }
    }
    let _ = shuffles;
    let (mut from, mut o) = (0usize, 0usize);
    loop {
        let to = if starts == 0 {
            limit
        } else {
            starts.trailing_zeros() as usize
        };
        // The run `from..to`: sixteen bytes a store, what lies past its end overwritten
        // next (reads end before `p + 80`, writes before `o + 80`).
        let mut k = from;
        while k < to {
            // SAFETY: `k < to <= 64` and `o + k - from <= k`: sixteen bytes read from
            // `p + k` and written at `o + k - from` stay within the caller's 80.
            unsafe { put_run(b, p + k, p + k + 16, d.add(o + k - from)) };
            k += 16;
        }
        o += to - from;
        if starts == 0 {
            return (limit, o);
        }
        if identity {
            from = to + 1;
        } else {
            // The escape at `to`: its byte is in the block unless `to` is the last.
            if to == 63 {
                return (to, o);
            }
            // SAFETY: `to < 63`: the byte after it is within the block.
            match UNESCAPE[unsafe { *b.get_unchecked(p + to + 1) } as usize] {
                0 | b'u' => return (to, o),
                // SAFETY: `o <= to < 63`, within the caller's room for 80.
                c => unsafe { *d.add(o) = c },
            }
            o += 1;
            from = to + 2;
        }
        starts &= starts - 1;
    }
}

/// Copies the first `limit` of the 64 bytes at `src` to `d` without those that `drop`
/// marks (bits below `limit` only), eight bytes a shuffle; returns how many it wrote.
/// (An identity block's backslashes, some six a block in a JSON text inside JSON: a
/// branch-free shuffle per eight bytes costs less than a copy per run between them.)
///
/// # Safety
/// 64 bytes must be readable at `src`, `d` must have room for 72, and SSSE3 must be
/// there.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "ssse3")]
unsafe fn drop_bytes64(src: *const u8, drop: u64, limit: usize, d: *mut u8) -> usize {
    use std::arch::x86_64::*;
    // Eight bytes from `src + g` to `d + o`, less those `m` marks.
    // SAFETY: `g < 64`: eight bytes from `src + g` are within the caller's 64;
    // `o <= g`: eight written at `d + o` are within its 72; `KEEP[m]` is eight bytes;
    // SSSE3 is there (the caller's promise).
    let group = |g: usize, o: usize, m: usize| unsafe {
        let x = _mm_loadl_epi64(src.add(g) as *const __m128i);
        let keep = _mm_loadl_epi64(KEEP[m].as_ptr() as *const __m128i);
        _mm_storel_epi64(d.add(o) as *mut __m128i, _mm_shuffle_epi8(x, keep));
    };
    let mut o = 0;
    if limit == 64 {
        // The whole block (the usual case): eight groups, unrolled.
        for g in (0..64).step_by(8) {
            let m = ((drop >> g) & 0xff) as usize;
            group(g, o, m);
            o += KEPT[m] as usize;
        }
        return o;
    }
    let mut g = 0;
    while g < limit {
        let m = ((drop >> g) & 0xff) as usize;
        group(g, o, m);
        o += KEPT[m] as usize - (8 - (limit - g).min(8));
        g += 8;
    }
    o
}

/// For each set of bytes to drop from eight (a bit each), how many are kept (a table:
/// without POPCNT, counting bits costs a dozen instructions).
#[cfg(target_arch = "x86_64")]
static KEPT: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut m = 0;
    while m < 256 {
        t[m] = 8 - (m as u32).count_ones() as u8;
        m += 1;
    }
    t
};

/// For each set of bytes to drop from eight (a bit each), the places of the bytes kept,
/// in order, as a shuffle (the rest of it zeroes).
#[cfg(target_arch = "x86_64")]
static KEEP: [[u8; 8]; 256] = {
    let mut t = [[0x80u8; 8]; 256];
    let mut m = 0;
    while m < 256 {
        let (mut i, mut k) = (0, 0);
        while i < 8 {
            if m & (1 << i) == 0 {
                t[m][k] = i as u8;
                k += 1;
            }
            i += 1;
        }
        m += 1;
    }
    t
};

/// Whether this processor shuffles bytes (SSSE3: x86-64 processors of the last fifteen
/// years), asked once.
fn ssse3() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        std::arch::is_x86_feature_detected!("ssse3")
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// What follows a backslash in a JSON string: the byte it stands for, `u` for a
/// `\uXXXX` escape, 0 for an escape JSON does not have.
static UNESCAPE: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b'"' as usize] = b'"';
    t[b'\\' as usize] = b'\\';
    t[b'/' as usize] = b'/';
    t[b'b' as usize] = 0x08;
    t[b'f' as usize] = 0x0c;
    t[b'n' as usize] = b'\n';
    t[b'r' as usize] = b'\r';
    t[b't' as usize] = b'\t';
    t[b'u' as usize] = b'u';
    t
};

/// The character of the `\uXXXX` escape at `b[p..]` (a surrogate pair taken together,
/// a lone surrogate refused, as `serde_json` does) and the length of its text.
fn unicode_escape(b: &[u8], p: usize) -> Option<(char, usize)> {
    let hex = |at: usize| -> Option<u32> {
        b.get(at..at + 4)?
            .iter()
            .try_fold(0u32, |n, &c| Some(n * 16 + (c as char).to_digit(16)?))
    };
    let cp = hex(p + 2)?;
    if (0xd800..0xdc00).contains(&cp) {
        // A high surrogate: a low one must follow.
        if b.get(p + 6..p + 8)? != b"\\u" {
            return None;
        }
        let lo = hex(p + 8)?;
        if !(0xdc00..0xe000).contains(&lo) {
            return None;
        }
        return Some((char::from_u32(0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00))?, 12));
    }
    Some((char::from_u32(cp)?, 6))
}

/// Writes the escape of `c` (a byte that needs one) at `d`; returns its length.
///
/// # Safety
/// `d` must have room for six bytes.
#[inline(always)]
unsafe fn put_escape(c: u8, d: *mut u8) -> usize {
    match ESCAPE[c as usize] {
        b'u' => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            let e = [b'\\', b'u', b'0', b'0', HEX[(c >> 4) as usize], HEX[(c & 0xf) as usize]];
            // SAFETY: the caller gives room for six bytes at `d`.
            unsafe { std::ptr::copy_nonoverlapping(e.as_ptr(), d, 6) };
            6
        }
        e => {
            // SAFETY: two of the six bytes the caller gives room for.
            unsafe {
                *d = b'\\';
                *d.add(1) = e;
            }
            2
        }
    }
}

/// Copies the run `b[from..to]` (at most sixteen bytes) to `d` as one 16-byte load and
/// store (what lies past `to` is overwritten later), which costs less than a call to
/// `memcpy`.
///
/// # Safety
/// `d` must have room for sixteen bytes; `from <= to`, `to - from <= 16`, and sixteen
/// bytes must be readable from `from`.
#[inline(always)]
unsafe fn put_run(b: &[u8], from: usize, to: usize, d: *mut u8) -> usize {
    // SAFETY: the caller gives sixteen readable bytes from `from` and room for sixteen
    // at `d`; both copies are unaligned.
    unsafe {
        std::ptr::write_unaligned(
            d as *mut [u8; 16],
            std::ptr::read_unaligned(b.as_ptr().add(from) as *const [u8; 16]),
        )
    };
    to - from
}

/// Escapes `b` to `dst`, which has room for `room` bytes; returns the length written,
/// or `None` when the room turns out too small (`2 * len + 128` holds everything but
/// `\u00XX` escapes; `6 * len + 128` always holds: at most 31 bytes are left for the
/// byte-by-byte tail). Sixteen bytes are tested at a time; the clean runs between the
/// bytes that need escaping are copied whole.
///
/// # Safety
/// `dst` must be valid for writes of `room` bytes.
unsafe fn escape_into(b: &[u8], dst: *mut u8, room: usize) -> Option<usize> {
    let n = b.len();
    let (mut o, mut i) = (0usize, 0usize);
    // While 32 bytes are left, so that a run's 16-byte copy from anywhere in the block
    // stays within `b`; the last bytes go one by one.
    while i + 32 <= n {
        // A block writes at most 6 * 16 bytes, and a run's copy 16 past its start.
        if o + 6 * 16 + 16 > room {
            return None;
        }
        // SAFETY: `i + 32 <= n`: sixteen bytes are readable at `i`.
        let mut m = unsafe { special16(b.as_ptr().add(i)) };
        let mut run = i;
        while m != 0 {
            let p = i + m.trailing_zeros() as usize;
            // SAFETY: `run <= p < i + 16`, so sixteen bytes from `run` are within `b`
            // (32 are left at `i`); the block's writes fit in the room checked above.
            unsafe {
                o += put_run(b, run, p, dst.add(o));
                o += put_escape(b[p], dst.add(o));
            }
            run = p + 1;
            m &= m - 1;
        }
        // SAFETY: as above, `run <= i + 16`.
        o += unsafe { put_run(b, run, i + 16, dst.add(o)) };
        i += 16;
    }
    if o + 6 * (n - i) > room {
        return None;
    }
    for &c in &b[i..] {
        // SAFETY: at most six bytes a byte, and room for six a byte is checked above.
        if ESCAPE[c as usize] != 0 {
            o += unsafe { put_escape(c, dst.add(o)) };
        } else {
            unsafe { *dst.add(o) = c };
            o += 1;
        }
    }
    Some(o)
}

/// Appends `s` as a JSON string literal, quotes included.
pub fn push_str(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    // A short string with nothing to escape (an id, a method, a URL): copied as it is.
    if b.len() <= 64 && next_special(b, 0).is_none() {
        out.reserve(b.len() + 2);
        out.push(b'"');
        out.extend_from_slice(b);
        out.push(b'"');
        return;
    }
    out.push(b'"');
    // In pieces, with room for twice the piece (every escape but `\u00XX` takes two
    // bytes), or six times when that is not enough; the room is reserved, not zeroed.
    for piece in s.as_bytes().chunks(4096) {
        let mut escape = |factor: usize| {
            let room = factor * piece.len() + 128;
            out.reserve(room);
            let at = out.len();
            // SAFETY: `reserve` made room for `room` bytes past `at`; `escape_into`
            // writes only within them and returns how many it wrote, all initialised.
            unsafe {
                let n = escape_into(piece, out.as_mut_ptr().add(at), room)?;
                out.set_len(at + n);
            }
            Some(())
        };
        escape(2)
            .or_else(|| escape(6))
            .expect("six bytes a byte and 128 more always hold the escaped piece");
    }
    out.push(b'"');
}

/// The length of `s` as [`push_str`] writes it, quotes included (to allocate a line
/// once for a large string).
pub fn escaped_len(s: &str) -> usize {
    let b = s.as_bytes();
    // Each escape adds one byte, a `\u00XX` five.
    let extra = |c: u8| match ESCAPE[c as usize] {
        0 => 0,
        b'u' => 5,
        _ => 1,
    };
    let mut n = b.len() + 2;
    let mut i = 0;
    while i + 16 <= b.len() {
        // SAFETY: sixteen bytes from `i` are within `b`.
        let mut m = unsafe { special16(b.as_ptr().add(i)) };
        while m != 0 {
            n += extra(b[i + m.trailing_zeros() as usize]);
            m &= m - 1;
        }
        i += 16;
    }
    n + b[i..].iter().map(|&c| extra(c)).sum::<usize>()
}

/// Appends `"key":` (a key that needs no escaping, written by this crate).
#[inline]
pub fn push_key(out: &mut Vec<u8>, key: &str) {
    out.push(b'"');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
}

/// Appends `,"key":`: the separator and key of every field after an object's first.
#[inline]
pub fn push_next_key(out: &mut Vec<u8>, key: &str) {
    out.push(b',');
    push_key(out, key);
}

/// A number, or an optional one, that [`push_num`] writes as `serde_json` writes it:
/// integers in decimal (itoa), an `f64` in the shortest form that reads back (zmij, as serde_json) or
/// `null` when it is not finite, `None` as `null`.
pub trait Num {
    fn push_to(&self, out: &mut Vec<u8>);
}

macro_rules! integer_num {
    ($($t:ty)*) => {$(
        impl Num for $t {
            fn push_to(&self, out: &mut Vec<u8>) {
                out.extend_from_slice(itoa::Buffer::new().format(*self).as_bytes());
            }
        }
    )*};
}
integer_num!(u16 u32 u64);

impl Num for f64 {
    fn push_to(&self, out: &mut Vec<u8>) {
        if self.is_finite() {
            out.extend_from_slice(zmij::Buffer::new().format_finite(*self).as_bytes());
        } else {
            out.extend_from_slice(b"null");
        }
    }
}

impl<T: Num> Num for Option<T> {
    fn push_to(&self, out: &mut Vec<u8>) {
        match self {
            Some(v) => v.push_to(out),
            None => out.extend_from_slice(b"null"),
        }
    }
}

/// Appends a number (or `null`) as `serde_json` writes it, without its machinery.
#[inline]
pub fn push_num<T: Num>(out: &mut Vec<u8>, v: &T) {
    v.push_to(out);
}

/// Appends any serialisable value the way `serde_json` writes it (for the small,
/// rare parts of a record).
pub fn push_value<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) {
    // Writing to a Vec cannot fail, and the values given here always serialise.
    let _ = serde_json::to_writer(&mut *out, v);
}

/// The index of the first byte at or after `from` that is a `"`, a `\\` or a control
/// character, sixteen bytes at a time.
#[inline]
fn next_special(b: &[u8], mut from: usize) -> Option<usize> {
    while from + 16 <= b.len() {
        // SAFETY: sixteen bytes from `from` are within `b`.
        let m = unsafe { special16(b.as_ptr().add(from)) };
        if m != 0 {
            return Some(from + m.trailing_zeros() as usize);
        }
        from += 16;
    }
    b[from..]
        .iter()
        .position(|&c| ESCAPE[c as usize] != 0)
        .map(|i| from + i)
}

/// A strict reader of JSON text. Each method reads one thing after optional
/// whitespace and returns `None` when the text is anything else.
pub struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
    /// The whole text is ASCII: no string read from it needs a UTF-8 check (one pass
    /// over the line instead of one per string).
    ascii: bool,
}

impl<'a> Cursor<'a> {
    pub fn new(b: &'a [u8]) -> Self {
        Cursor {
            b,
            i: 0,
            ascii: b.is_ascii(),
        }
    }

    #[inline(always)]
    fn ws(&mut self) {
        // Capture lines have no whitespace between tokens: one test for that.
        if self.b.get(self.i).is_some_and(|&c| c > b' ') {
            return;
        }
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    /// The next byte, not taken.
    pub fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    /// Takes the next byte.
    pub fn take(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    /// Takes `c`.
    pub fn eat(&mut self, c: u8) -> Option<()> {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            return Some(());
        }
        (self.take()? == c).then_some(())
    }

    /// Only whitespace is left.
    pub fn at_end(&mut self) -> bool {
        self.ws();
        self.i == self.b.len()
    }

    /// `null`.
    pub fn null(&mut self) -> Option<()> {
        self.ws();
        if self.b[self.i..].starts_with(b"null") {
            self.i += 4;
            Some(())
        } else {
            None
        }
    }

    /// An unsigned integer, as JSON writes one (no sign, no leading zero, no fraction).
    pub fn uint(&mut self) -> Option<u64> {
        self.ws();
        let start = self.i;
        let mut n: u64 = 0;
        while let Some(d) = self.b.get(self.i).filter(|c| c.is_ascii_digit()) {
            n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
            self.i += 1;
        }
        let digits = &self.b[start..self.i];
        let leading_zero = digits.len() > 1 && digits[0] == b'0';
        let more = matches!(self.b.get(self.i), Some(b'.' | b'e' | b'E' | b'-' | b'+'));
        (!digits.is_empty() && !leading_zero && !more).then_some(n)
    }

    /// A number, as `serde_json` reads it (the text up to the next delimiter is handed
    /// to it).
    pub fn f64(&mut self) -> Option<f64> {
        self.ws();
        let start = self.i;
        while self
            .b
            .get(self.i)
            .is_some_and(|c| matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
        {
            self.i += 1;
        }
        serde_json::from_slice(&self.b[start..self.i]).ok()
    }

    /// Steps over what [`Cursor::f64`] reads, taking it or refusing it alike. A number
    /// of the plain form (digits, maybe a fraction, no exponent, at most 300 bytes) is
    /// a finite `f64` for certain and is not converted; any other is read by `f64`.
    pub fn skip_f64(&mut self) -> Option<()> {
        self.ws();
        let b = self.b;
        let start = self.i;
        let digits = |mut p: usize| {
            while b.get(p).is_some_and(u8::is_ascii_digit) {
                p += 1;
            }
            p
        };
        let int = start + usize::from(b.get(start) == Some(&b'-'));
        let mut p = digits(int);
        let plain_int = p == int + 1 || (p > int + 1 && b[int] != b'0');
        if plain_int && b.get(p) == Some(&b'.') {
            let fraction = p + 1;
            p = digits(fraction);
            if p == fraction {
                p = start; // `1.`: left to `f64`
            }
        }
        let ends = !matches!(b.get(p), Some(b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'));
        if plain_int && p > start && ends && p - start <= 300 {
            self.i = p;
            return Some(());
        }
        self.f64().map(|_| ())
    }

    /// Takes the first `len` bytes of `word` when they come next, as they are (no
    /// blanks skipped): one comparison of 16 bytes where 16 are left.
    #[inline]
    pub fn take_word(&mut self, word: &[u8; 16], len: usize) -> bool {
        let here = match self.b.get(self.i..self.i + 16) {
            Some(next) => {
                let next = u128::from_le_bytes(next.try_into().expect("sixteen bytes"));
                let mask = if len >= 16 { u128::MAX } else { (1u128 << (8 * len)) - 1 };
                (next ^ u128::from_le_bytes(*word)) & mask == 0
            }
            None => self.b.get(self.i..self.i + len) == Some(&word[..len]),
        };
        self.i += if here { len } else { 0 };
        here
    }

    /// A string without escapes (an object key), as its bytes.
    pub fn key(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let end = next_special(self.b, self.i)?;
        if self.b[end] != b'"' {
            return None;
        }
        let k = &self.b[self.i..end];
        self.i = end + 1;
        Some(k)
    }

    /// Steps over a string that the caller does not need, checking it as [`Cursor::string`]
    /// does (its escapes, no raw control character, UTF-8) without unescaping it or
    /// allocating.
    pub fn skip_string(&mut self) -> Option<()> {
        self.eat(b'"')?;
        let b = self.b;
        let start = self.i;
        let mut p = start;
        loop {
            p = next_special(b, p)?;
            match b[p] {
                b'"' => break,
                b'\\' => match UNESCAPE[*b.get(p + 1)? as usize] {
                    0 => return None,
                    b'u' => p += unicode_escape(b, p)?.1,
                    _ => p += 2,
                },
                _ => return None,
            }
        }
        if !self.ascii {
            std::str::from_utf8(&b[start..p]).ok()?;
        }
        self.i = p + 1;
        Some(())
    }

    /// A string, unescaped. Where 80 bytes or more are left in the text, 64 at a time
    /// ([`unescape64`]: every two-byte escape handled in place from one classification of
    /// the block, so a dense run of escapes, a JSON body inside JSON, costs a few
    /// instructions each); the rest, and `\u` escapes, sixteen bytes or one escape at a
    /// time. UTF-8 is checked only when the text is not all ASCII.
    pub fn string(&mut self) -> Option<String> {
        let mut s = String::new();
        self.string_into(&mut s)?;
        Some(s)
    }

    /// [`Cursor::string`] into `s`, replacing what it held and reusing its room (a
    /// reader that recycles its records allocates nothing once they are big enough).
    /// On `None`, `s` is left empty.
    pub fn string_into(&mut self, s: &mut String) -> Option<()> {
        self.string_into_with(s, ssse3())
    }

    /// [`Cursor::string_into`], with byte shuffles (SSSE3) or without.
    fn string_into_with(&mut self, s: &mut String, shuffles: bool) -> Option<()> {
        let mut out = std::mem::take(s).into_bytes();
        out.clear();
        self.eat(b'"')?;
        let b = self.b;
        let start = self.i;
        let first = next_special(b, start)?;
        if b[first] == b'"' {
            // No escape: the text as it is.
            self.i = first + 1;
            let text = &b[start..first];
            if !self.ascii {
                std::str::from_utf8(text).ok()?;
            }
            if text.len() <= 16 && start + 16 <= b.len() {
                // A short string (a method, a header): one 16-byte move, not a call.
                out.reserve(16);
                // SAFETY: sixteen bytes are readable at `start` and fit in `out`; the
                // first `text.len()` of them are the text.
                unsafe {
                    put_run(b, start, first, out.as_mut_ptr());
                    out.set_len(text.len());
                }
            } else {
                out.extend_from_slice(text);
            }
            // SAFETY: ASCII, or checked above.
            *s = unsafe { String::from_utf8_unchecked(out) };
            return Some(());
        }
        // Unescaped, a string is never longer than its text: the rest of the input bounds
        // it. Written so far, `o <= p - start` holds throughout: an escape of n bytes
        // writes fewer than n. So a 16-byte store at `o` while 16 bytes are readable at
        // `p` stays within `cap`, and so do `unescape64`'s stores.
        let cap = b.len() - start;
        out.reserve(cap);
        let dst = out.as_mut_ptr();
        let mut o = first - start;
        // SAFETY: `first - start` bytes are readable at `start` and fit in `cap`.
        unsafe { std::ptr::copy_nonoverlapping(b.as_ptr().add(start), dst, o) };
        let mut p = first;
        loop {
            // `b[p]` ends the string, starts an escape, or is not allowed.
            match b[p] {
                b'"' => {
                    self.i = p + 1;
                    // SAFETY: the first `o` bytes were written.
                    unsafe { out.set_len(o) };
                    *s = if self.ascii || b[start..p].is_ascii() {
                        // SAFETY: ASCII text, and escapes written as UTF-8.
                        unsafe { String::from_utf8_unchecked(out) }
                    } else {
                        String::from_utf8(out).ok()?
                    };
                    return Some(());
                }
                b'\\' => {
                    let e = *b.get(p + 1)?;
                    match UNESCAPE[e as usize] {
                        0 => return None,
                        b'u' => {
                            let (ch, used) = unicode_escape(b, p)?;
                            let mut tmp = [0u8; 4];
                            let enc = ch.encode_utf8(&mut tmp).as_bytes();
                            // SAFETY: at most 4 bytes for an escape of 6 or 12.
                            unsafe { std::ptr::copy_nonoverlapping(enc.as_ptr(), dst.add(o), enc.len()) };
                            o += enc.len();
                            p += used;
                        }
                        c => {
                            // SAFETY: one byte for an escape of two.
                            unsafe { *dst.add(o) = c };
                            o += 1;
                            p += 2;
                        }
                    }
                }
                // A raw control character: not allowed in a JSON string.
                _ => return None,
            }
            // Whole blocks of 64 while 80 bytes are readable; each stops before a byte it
            // leaves to the match above.
            let mut stopped = false;
            while p + 80 <= b.len() {
                // SAFETY: 80 bytes are readable at `p`; `o <= p - start`, so the bytes
                // read plus sixteen fit at `o` (above).
                let (read, wrote) = unsafe { unescape64(b, p, dst.add(o), shuffles) };
                p += read;
                o += wrote;
                if read < 64 {
                    stopped = true;
                    break;
                }
            }
            if stopped {
                continue;
            }
            // Near the end: up to the next special byte, sixteen bytes at a time.
            loop {
                if p + 16 > b.len() {
                    while p < b.len() && ESCAPE[b[p] as usize] == 0 {
                        // SAFETY: `o < p - start + 1 <= cap`.
                        unsafe { *dst.add(o) = b[p] };
                        o += 1;
                        p += 1;
                    }
                    if p == b.len() {
                        return None;
                    }
                    break;
                }
                // SAFETY: sixteen bytes are readable at `p`, and fit at `o` (above).
                let m = unsafe {
                    put_run(b, p, p + 16, dst.add(o));
                    special16(b.as_ptr().add(p))
                };
                let k = if m == 0 { 16 } else { m.trailing_zeros() as usize };
                p += k;
                o += k;
                if m != 0 {
                    break;
                }
            }
        }
    }

    /// An object or array, taken whole as its text (not checked: the caller parses it).
    pub fn compound(&mut self) -> Option<&'a [u8]> {
        self.ws();
        let start = self.i;
        let mut depth = 0usize;
        while let Some(&c) = self.b.get(self.i) {
            self.i += 1;
            match c {
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(&self.b[start..self.i]);
                    }
                }
                b'"' => loop {
                    let p = next_special(self.b, self.i)?;
                    self.i = p + 1;
                    match self.b[p] {
                        b'"' => break,
                        b'\\' => self.i += 1,
                        _ => {}
                    }
                },
                _ if depth == 0 => return None,
                _ => {}
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ours(s: &str) -> String {
        let mut v = Vec::new();
        push_str(&mut v, s);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn escapes_as_serde_json_does() {
        for s in [
            "",
            "plain",
            "\"",
            "\\",
            "a\"b\\c",
            "\u{0}\u{1}\u{7}\u{8}\t\n\u{b}\u{c}\r\u{1f}\u{7f}",
            "{\"ref\":\"refs/heads/main\",\"n\":1}\n",
            "ünïcødé ✓ \u{1F600} \u{2028}",
            "12345678\"",
            "1234567\"8",
            "\"1234567",
            "abcdefghijklmnopqrstuvwxyz\u{1f}",
            "\u{1}",
            &"\u{1}".repeat(3000),
            &"a\"".repeat(1500),
            &"\u{1}a\"é".repeat(2000),
        ] {
            assert_eq!(ours(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
        // Every length around the 16-byte blocks and the 4096-byte pieces, with the
        // special byte at every place near their edges.
        for len in (0usize..70).chain(4080..4120).chain(8180..8200) {
            for at in [0, len / 2, len.saturating_sub(1), len.saturating_sub(16)] {
                for c in ['"', '\u{1f}', 'x'] {
                    let mut v = vec!['a'; len];
                    if at < len {
                        v[at] = c;
                    }
                    let s: String = v.into_iter().collect();
                    assert_eq!(ours(&s), serde_json::to_string(&s).unwrap(), "len {len} at {at} {c:?}");
                }
            }
        }
    }

    proptest! {
        #[test]
        fn numbers_are_written_as_serde_json_writes_them(i in any::<u64>(), bits in any::<u64>(), x in any::<f64>()) {
            let ours = |f: &dyn Fn(&mut Vec<u8>)| { let mut v = Vec::new(); f(&mut v); String::from_utf8(v).unwrap() };
            prop_assert_eq!(ours(&|o| push_num(o, &i)), serde_json::to_string(&i).unwrap());
            prop_assert_eq!(ours(&|o| push_num(o, &(i as u32))), serde_json::to_string(&(i as u32)).unwrap());
            prop_assert_eq!(ours(&|o| push_num(o, &(i as u16))), serde_json::to_string(&(i as u16)).unwrap());
            for f in [x, f64::from_bits(bits), (i % 100_000) as f64 / 1000.0, f64::NAN, f64::INFINITY, -0.0] {
                prop_assert_eq!(ours(&|o| push_num(o, &f)), serde_json::to_string(&f).unwrap());
                prop_assert_eq!(ours(&|o| push_num(o, &Some(f))), serde_json::to_string(&Some(f)).unwrap());
            }
            prop_assert_eq!(ours(&|o| push_num(o, &None::<u16>)), "null");
        }
    }

    /// The string read fresh, and read into buffers that held something else (small,
    /// and with room to spare; the first without byte shuffles): all three alike, and
    /// the cursor left alike.
    fn read(text: &str) -> Option<String> {
        let mut c = Cursor::new(text.as_bytes());
        let fresh = c.string();
        for (mut reused, shuffles) in [(String::from("old"), false), ("ü\"\\x".repeat(900), ssse3())] {
            let mut d = Cursor::new(text.as_bytes());
            let into = d.string_into_with(&mut reused, shuffles).map(|_| reused.clone());
            assert_eq!(into, fresh, "{text:?}");
            assert_eq!((d.i, into.is_none() && !reused.is_empty()), (c.i, false), "{text:?}");
        }
        c.at_end().then_some(fresh?)
    }

    /// The portable code (what runs off x86_64) classifies every block as the SSE2 code
    /// does: each byte value at each place, beside the values at the edges of each class.
    #[test]
    fn portable_blocks_are_classified_as_simd_ones() {
        let check = |b: &[u8; 64]| {
            // SAFETY: 64 readable bytes, and sixteen at each multiple of sixteen.
            assert_eq!(classify64_portable(b), unsafe { classify64(b.as_ptr()) }, "{b:?}");
            for k in (0..64).step_by(16) {
                let part: &[u8; 16] = b[k..k + 16].try_into().unwrap();
                assert_eq!(
                    special16_portable(part),
                    unsafe { special16(part.as_ptr()) },
                    "{part:?}"
                );
            }
        };
        // (Under Miri, which is slow, the values at the edges only.)
        let values: Vec<u8> = if cfg!(miri) {
            vec![0, 0x1f, 0x20, b'"', b'\\', 0x7f, 0x80, 0xff]
        } else {
            (0..=255).collect()
        };
        for at in 0..64 {
            for &c in &values {
                let mut b = [b'a'; 64];
                b[at] = c;
                check(&b);
                for edge in [0x1f, 0x20, b'"' - 1, b'"' + 1, b'\\' - 1, b'\\' + 1, 0x7f, 0x80, 0xff] {
                    b[(at + 1) % 64] = edge;
                    b[(at + 63) % 64] = edge;
                    check(&b);
                }
            }
        }
    }

    proptest! {
        #[test]
        fn any_block_is_classified_as_the_simd_code_does(v in proptest::collection::vec(
            prop_oneof![Just(b'"'), Just(b'\\'), Just(0u8), Just(0x1f), Just(b'a'), any::<u8>()],
            64,
        )) {
            let b: [u8; 64] = v.try_into().unwrap();
            // SAFETY: 64 readable bytes, and sixteen at each multiple of sixteen.
            prop_assert_eq!(classify64_portable(&b), unsafe { classify64(b.as_ptr()) });
            for k in (0..64).step_by(16) {
                let part: &[u8; 16] = b[k..k + 16].try_into().unwrap();
                prop_assert_eq!(special16_portable(part), unsafe { special16(part.as_ptr()) });
            }
        }
    }

    #[test]
    fn words_are_taken_whole_or_not_at_all() {
        let word = |s: &str| {
            let mut w = [0u8; 16];
            w[..s.len()].copy_from_slice(s.as_bytes());
            (w, s.len())
        };
        for text in [
            "\"id\":1",
            "\"id\":",
            "\"id\"",
            "\"idx\":",
            "\"ID\":",
            "x\"id\":",
            "\"body_encoding\":\"utf8\"",
            "",
        ] {
            // With fewer than sixteen bytes left, and with more.
            for t in [text.to_string(), format!("{text}{}", " ".repeat(20))] {
                for (w, len) in [word("\"id\":"), word("\"body_encoding\":")] {
                    let mut c = Cursor::new(t.as_bytes());
                    let here = t.as_bytes().starts_with(&w[..len]);
                    assert_eq!(c.take_word(&w, len), here, "{t:?}");
                    assert_eq!(c.i, if here { len } else { 0 }, "{t:?}");
                }
            }
        }
    }

    #[test]
    fn strings_read_as_serde_json_reads_them() {
        for t in [
            r#""""#,
            r#""plain""#,
            r#""a\"b\\c\/d\b\f\n\r\t""#,
            r#""\u00e9\u0000\ud83d\ude00 ✓""#,
            r#""\u00E9\uD83D\uDE00""#,
            r#""\ud83d""#,
            r#""\ude00""#,
            r#""\ud83dx""#,
            r#""\ud83d\u0041""#,
            r#""\x""#,
            r#""\u12""#,
            r#""\u12g4""#,
            r#""\u+123""#,
            "\"raw\ncontrol\"",
            "\"raw\u{1f}control after an escape \\n\"",
            r#""unterminated"#,
            r#""trailing\"#,
            r#""a long run of sixteen bytes and more, then \"an escape\" and more text""#,
        ] {
            assert_eq!(read(t), serde_json::from_str::<String>(t).ok(), "{t}");
        }
    }

    /// The escapes of a block, found one by one from its start.
    fn escapes_one_by_one(backslash: u64) -> (u64, u64) {
        let (mut starts, mut escaped, mut i) = (0u64, 0u64, 0);
        while i < 64 {
            if backslash & (1 << i) != 0 {
                starts |= 1 << i;
                if i < 63 {
                    escaped |= 1 << (i + 1);
                }
                i += 2;
            } else {
                i += 1;
            }
        }
        (starts, escaped)
    }

    #[test]
    fn blocks_of_escapes_are_found_as_one_by_one() {
        for m in [
            0,
            1,
            3,
            7,
            u64::MAX,
            1 << 63,
            3 << 62,
            0x5555_5555_5555_5555,
            0xaaaa_aaaa_aaaa_aaaa,
            0x0f0f_f0f0_1234_8001,
        ] {
            assert_eq!(escapes64(m), escapes_one_by_one(m), "{m:#066b}");
        }
    }

    /// `len` plain bytes, then one piece (an escape, a run of backslashes, a quote, a
    /// control byte, a bad escape), then text dense in `\"`, read as serde_json reads it
    /// (the block path needs 80 bytes left, hence the trailing spaces).
    #[test]
    fn long_strings_with_escapes_at_every_place() {
        for len in 0..150 {
            for piece in ["\\\"", "\\\\", "\\n", "\\u00e9", "\\\\\\\"", "\"", "\u{1}", "\\x", "\\"] {
                let mut t = String::from("\"");
                t.push_str(&"a".repeat(len));
                t.push_str(piece);
                t.push_str(&"b\\\"".repeat(40));
                t.push('"');
                t.push_str(&" ".repeat(100));
                assert_eq!(read(&t), serde_json::from_str::<String>(&t).ok(), "{t}");
            }
        }
    }

    proptest! {
        #[test]
        fn any_string_escapes_as_serde_json_does(s in any::<String>()) {
            prop_assert_eq!(ours(&s), serde_json::to_string(&s).unwrap());
            prop_assert_eq!(read(&ours(&s)), Some(s));
        }

        /// Any text after a quote is read as a string exactly when serde_json reads it,
        /// and as the same string.
        #[test]
        fn any_text_reads_as_serde_json_reads_it(v in proptest::collection::vec(
            prop_oneof![Just("\\"), Just("\""), Just("u"), Just("d83d"), Just("dc00"), Just("0041"), Just("n"),
                Just("/"), Just("x"), Just("é"), Just("\u{1}"), Just("abcdefghijklmnop")],
            0..40,
        )) {
            let t = format!("\"{}", v.concat());
            let mut c = Cursor::new(t.as_bytes());
            let ours = c.string().filter(|_| c.at_end());
            prop_assert_eq!(ours, serde_json::from_str::<String>(&t).ok(), "{}", t);
        }

        /// Bytes that are not UTF-8, before, between and after escapes, at every
        /// place against the 16-byte blocks: refused exactly when serde_json refuses them.
        #[test]
        fn any_bytes_read_as_serde_json_reads_them(v in proptest::collection::vec(
            prop_oneof![Just(&b"\\"[..]), Just(&b"\""[..]), Just(&b"\\n"[..]), Just(&b"\\u00e9"[..]),
                Just(&b"\\ud83d\\ude00"[..]), Just(&b"\xff"[..]), Just(&b"\xc3"[..]), Just(&b"\xa9"[..]),
                Just("é".as_bytes()), Just("\u{1F600}".as_bytes()), Just(&b"a"[..]), Just(&b"abcdefghijklmno"[..])],
            0..40,
        ), tail in prop_oneof![Just(&b""[..]), Just(&b"\""[..]), Just(&b"\",\"k\":1}"[..])]) {
            let mut t = b"\"".to_vec();
            for piece in &v {
                t.extend_from_slice(piece);
            }
            t.extend_from_slice(tail);
            let mut c = Cursor::new(&t);
            let ours = c.string();
            // The string as serde_json reads it from the same bytes, up to its end.
            let theirs = serde_json::Deserializer::from_slice(&t).into_iter::<String>().next().and_then(Result::ok);
            prop_assert_eq!(&ours, &theirs, "{:?}", String::from_utf8_lossy(&t));
            if let Some(s) = ours {
                // What follows is where serde_json stopped too.
                let mut d = serde_json::Deserializer::from_slice(&t).into_iter::<String>();
                d.next();
                prop_assert_eq!(c.i, d.byte_offset(), "{:?}", s);
            }
        }

        #[test]
        fn strings_dense_in_specials(v in proptest::collection::vec(
            prop_oneof![Just('"'), Just('\\'), Just('\n'), Just('\u{1}'), Just('a'), Just('é'), Just('\u{7f}'), Just(' ')],
            0..2100,
        )) {
            let s: String = v.into_iter().collect();
            prop_assert_eq!(ours(&s), serde_json::to_string(&s).unwrap());
            prop_assert_eq!(read(&ours(&s)), Some(s));
        }

        /// Numbers stepped over are taken or refused as they are read, and end alike.
        #[test]
        fn numbers_are_skipped_as_they_are_read(v in proptest::collection::vec(
            prop_oneof![Just("0"), Just("1"), Just("9"), Just("-"), Just("+"), Just("."), Just("e"), Just("E"),
                Just("123456789"), Just("00"), Just("999999999999999999999999999999")],
            0..14,
        ), tail in prop_oneof![Just(""), Just(","), Just("}"), Just(" ,")]) {
            let t = format!("{}{tail}", v.concat());
            let (mut a, mut b) = (Cursor::new(t.as_bytes()), Cursor::new(t.as_bytes()));
            let read = a.f64().map(|_| a.i);
            let skipped = b.skip_f64().map(|_| b.i);
            prop_assert_eq!(skipped, read, "{}", t);
        }

        #[test]
        fn escapes_of_any_block_are_found_as_one_by_one(m in any::<u64>(), runs in any::<u64>()) {
            // Any mask, and masks of long runs (a run of backslashes wherever `runs` has
            // a long run of ones).
            prop_assert_eq!(escapes64(m), escapes_one_by_one(m));
            let long = runs & (runs >> 1) & (runs >> 2);
            prop_assert_eq!(escapes64(long), escapes_one_by_one(long));
        }

        /// Long text dense in escapes, followed by more of the line (so that the 64-byte
        /// blocks read it), with one thing wrong at any place in some cases.
        #[test]
        fn long_dense_text_reads_as_serde_json_reads_it(v in proptest::collection::vec(
            prop_oneof![
                8 => prop_oneof![Just("\\\""), Just("\\\\"), Just("\\n"), Just("\\/"), Just("\\t")],
                6 => prop_oneof![Just("a"), Just("key"), Just(":"), Just("é"), Just("0123456789abcdef0123")],
                1 => prop_oneof![Just("\\\\\\\""), Just("\\u00e9"), Just("\\ud83d\\ude00")],
            ],
            0..400,
        ), bad in prop_oneof![Just(""), Just("\\x"), Just("\""), Just("\u{1}"), Just("\\\u{1}"), Just("\u{7f}é")],
           at in any::<prop::sample::Index>()) {
            let mut v = v;
            let i = at.index(v.len() + 1);
            v.insert(i, bad);
            let t = format!("\"{}\",\"body_encoding\":\"utf8\",\"remote_addr\":\"127.0.0.1:5000\",\"v\":1", v.concat());
            let mut c = Cursor::new(t.as_bytes());
            let ours = c.string();
            let theirs = serde_json::Deserializer::from_slice(t.as_bytes()).into_iter::<String>().next().and_then(Result::ok);
            prop_assert_eq!(&ours, &theirs, "{}", t);
            if ours.is_some() {
                let mut d = serde_json::Deserializer::from_slice(t.as_bytes()).into_iter::<String>();
                d.next();
                prop_assert_eq!(c.i, d.byte_offset());
            }
        }

        /// Text dense in two-byte escapes (several to a block, found from its one
        /// classification), with `\\`, `\u` escapes and escapes across blocks' ends
        /// among them, and in some cases one thing wrong: `\x`, a quote, a control byte,
        /// a lone backslash.
        #[test]
        fn dense_escapes_read_as_serde_json_reads_them(v in proptest::collection::vec(
            prop_oneof![
                8 => prop_oneof![Just("\\\""), Just("\\/"), Just("\\n"), Just("\\t"), Just("\\r"), Just("\\b"), Just("\\f")],
                6 => prop_oneof![Just("a"), Just("key"), Just(":"), Just("é"), Just("0123456")],
                1 => prop_oneof![Just("\\\\"), Just("\\u00e9"), Just("\\ud83d\\ude00")],
            ],
            0..300,
        ), bad in prop_oneof![Just(""), Just("\\x"), Just("\""), Just("\u{1}"), Just("\\")], at in any::<prop::sample::Index>()) {
            // Valid text, or one thing wrong at any place in it.
            let mut v = v;
            let i = at.index(v.len() + 1);
            v.insert(i, bad);
            let t = format!("\"{}\"", v.concat());
            prop_assert_eq!(read(&t), serde_json::from_str::<String>(&t).ok(), "{}", t);
        }
    }
}
