//! Writing JSON on the hot paths (the listener's capture record, one per request):
//! strings escaped eight bytes at a time, byte for byte what `serde_json` writes, into
//! a caller's buffer. Everything else about JSON goes through `serde_json`.

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

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;
const SEVEN: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// The lanes of the eight bytes in `w` (little-endian) that need escaping, a byte
/// under 0x20, a `"` or a `\\`, as the top bit of each lane. Exact: no lane's sum
/// carries into the next.
#[inline(always)]
fn special_lanes(w: u64) -> u64 {
    let zero = |t: u64| !(((t & SEVEN) + SEVEN) | t);
    let control = !(((w & SEVEN) + LO * 0x60) | w);
    (control | zero(w ^ (LO * b'"' as u64)) | zero(w ^ (LO * b'\\' as u64))) & HI
}

/// Writes the escape of `c` (a byte that needs one) at `dst[o..]`; returns its length.
#[inline(always)]
fn put_escape(c: u8, dst: &mut [u8], o: usize) -> usize {
    match ESCAPE[c as usize] {
        b'u' => {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            dst[o..o + 6].copy_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(c >> 4) as usize], HEX[(c & 0xf) as usize]]);
            6
        }
        e => {
            dst[o] = b'\\';
            dst[o + 1] = e;
            2
        }
    }
}

/// Copies `b[from..to]` to `dst[o..]`; returns its length. A short run is copied as
/// sixteen bytes (what lies past it is overwritten later), which saves a call.
#[inline(always)]
fn put_run(b: &[u8], from: usize, to: usize, dst: &mut [u8], o: usize) -> usize {
    let n = to - from;
    if n <= 16 && from + 16 <= b.len() {
        dst[o..o + 16].copy_from_slice(&b[from..from + 16]);
    } else {
        dst[o..o + n].copy_from_slice(&b[from..to]);
    }
    n
}

/// Escapes `b` into `dst`; returns the length written, or `None` when `dst` turns out
/// too small. Six bytes a byte and 16 more are always enough. Eight bytes are tested
/// at a time; the clean runs between the bytes that need escaping are copied whole.
fn escape_into(b: &[u8], dst: &mut [u8]) -> Option<usize> {
    let room = dst.len();
    if b.len() + 16 > room {
        return None;
    }
    let (mut o, mut run, mut i) = (0, 0, 0);
    // Before escaping `b[p]`: room for its escape and for the copy of the run after it
    // (at most the rest of `b`, at least 16 bytes). With six bytes a byte this always
    // holds: o <= 6p, so o + 6 + rest + 16 <= 6 * len + 16.
    let fits = |o: usize, p: usize| o + 6 + (b.len() - p - 1).max(16) <= room;
    while i + 8 <= b.len() {
        let mut m = special_lanes(u64::from_le_bytes(b[i..i + 8].try_into().expect("eight bytes")));
        while m != 0 {
            let p = i + (m.trailing_zeros() / 8) as usize;
            o += put_run(b, run, p, dst, o);
            if !fits(o, p) {
                return None;
            }
            o += put_escape(b[p], dst, o);
            run = p + 1;
            m &= m - 1;
        }
        i += 8;
    }
    for p in i..b.len() {
        if ESCAPE[b[p] as usize] != 0 {
            o += put_run(b, run, p, dst, o);
            if !fits(o, p) {
                return None;
            }
            o += put_escape(b[p], dst, o);
            run = p + 1;
        }
    }
    Some(o + put_run(b, run, b.len(), dst, o))
}

/// Appends `s` as a JSON string literal, quotes included.
pub fn push_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    // In pieces, with room for twice the piece (every escape but `\u00XX` takes two
    // bytes), or six times when that is not enough: zeroing the room costs less than
    // counting first what needs escaping.
    for piece in s.as_bytes().chunks(1024) {
        let at = out.len();
        let mut escape = |factor: usize| {
            out.resize(at + factor * piece.len() + 16, 0);
            escape_into(piece, &mut out[at..])
        };
        let n = escape(2)
            .or_else(|| escape(6))
            .expect("six bytes a byte and 16 more always hold the escaped piece");
        out.truncate(at + n);
    }
    out.push(b'"');
}

/// Appends `"key":` (a key that needs no escaping, written by this crate).
#[inline]
pub fn push_key(out: &mut Vec<u8>, key: &str) {
    out.push(b'"');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
}

/// Appends any serialisable value the way `serde_json` writes it (for the small,
/// rare parts of a record).
pub fn push_value<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, v: &T) {
    // Writing to a Vec cannot fail, and the values given here always serialise.
    let _ = serde_json::to_writer(&mut *out, v);
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
        ] {
            assert_eq!(ours(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    proptest! {
        #[test]
        fn any_string_escapes_as_serde_json_does(s in any::<String>()) {
            prop_assert_eq!(ours(&s), serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn strings_dense_in_specials(v in proptest::collection::vec(
            prop_oneof![Just('"'), Just('\\'), Just('\n'), Just('\u{1}'), Just('a'), Just('é'), Just('\u{7f}'), Just(' ')],
            0..2100,
        )) {
            let s: String = v.into_iter().collect();
            prop_assert_eq!(ours(&s), serde_json::to_string(&s).unwrap());
        }
    }
}
