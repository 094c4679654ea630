//! Randomness for ids, tokens and jitter: fresh UUIDs, alphanumeric ids, and a small
//! seedable generator for reproducible simulations (`--fail-rate` with `--seed`).

/// Fills `buf` with operating-system randomness.
pub fn fill_random(buf: &mut [u8]) {
    getrandom::getrandom(buf).expect("the operating system's random source failed");
}

/// A random 64-bit value from the operating system.
pub fn random_u64() -> u64 {
    let mut b = [0u8; 8];
    fill_random(&mut b);
    u64::from_le_bytes(b)
}

/// A random UUID version 4, lower-case and hyphenated.
pub fn uuid_v4() -> String {
    let mut b = [0u8; 16];
    fill_random(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex_lower(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` random characters from `[0-9A-Za-z]`.
pub fn alnum(n: usize) -> String {
    let mut b = vec![0u8; n];
    fill_random(&mut b);
    b.iter().map(|x| ALNUM[(*x as usize) % ALNUM.len()] as char).collect()
}

/// `n` random lower-case hex characters.
pub fn hex_chars(n: usize) -> String {
    let mut b = vec![0u8; n.div_ceil(2)];
    fill_random(&mut b);
    let mut s = hex_lower(&b);
    s.truncate(n);
    s
}

/// `n` random decimal digits, the first one not zero.
pub fn digits(n: usize) -> String {
    let mut b = vec![0u8; n];
    fill_random(&mut b);
    b.iter()
        .enumerate()
        .map(|(i, x)| {
            let d = if i == 0 { 1 + x % 9 } else { x % 10 };
            (b'0' + d) as char
        })
        .collect()
}

/// A message id in the Standard Webhooks style: `msg_` and 27 alphanumerics.
pub fn message_id() -> String {
    format!("msg_{}", alnum(27))
}

/// Lower-case hex of `bytes`.
pub fn hex_lower(bytes: &[u8]) -> String {
    const H: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(H[(b >> 4) as usize] as char);
        s.push(H[(b & 15) as usize] as char);
    }
    s
}

/// Decodes hex in either case; `None` if `s` is not even-length hex.
pub fn hex_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.as_bytes();
    if s.len() % 2 != 0 {
        return None;
    }
    let val = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    s.chunks(2).map(|p| Some(val(p[0])? << 4 | val(p[1])?)).collect()
}

/// SplitMix64: a tiny, fast, seedable generator. Not for secrets: for simulations
/// that must repeat with `--seed`, and for retry jitter.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        SplitMix64(seed)
    }
    pub fn from_entropy() -> Self {
        SplitMix64(random_u64())
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A float in `[0, 1)`.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_has_version_and_variant() {
        let u = uuid_v4();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(u, uuid_v4());
    }

    #[test]
    fn hex_round_trip() {
        let b = [0u8, 1, 0xab, 0xff];
        assert_eq!(hex_lower(&b), "0001abff");
        assert_eq!(hex_decode("0001ABff").unwrap(), b);
        assert!(hex_decode("abc").is_none());
        assert!(hex_decode("zz").is_none());
    }

    #[test]
    fn seeded_generator_repeats() {
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        for _ in 0..10 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        let f = SplitMix64::new(1).next_f64();
        assert!((0.0..1.0).contains(&f));
    }

    #[test]
    fn digits_and_alnum_have_the_length_asked() {
        assert_eq!(digits(12).len(), 12);
        assert!(!digits(5).starts_with('0'));
        assert_eq!(alnum(24).len(), 24);
        assert_eq!(hex_chars(7).len(), 7);
    }
}
