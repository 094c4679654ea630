//! Sizes (`1KiB`, `10MiB`), durations (`500ms`, `2s`, `1m`) and rates (`100/s`): the
//! one parser for each, which the command line (clap) and the config file use.

use std::str::FromStr;
use std::time::Duration;

/// A byte count: a number with an optional unit `B`, `KB`/`KiB`/`K`, `MB`/`MiB`/`M`,
/// `GB`/`GiB`/`G` (all binary multiples, case-insensitive). A parse error says why,
/// and the caller names the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size(pub u64);

impl FromStr for Size {
    type Err = String;
    fn from_str(s: &str) -> Result<Size, String> {
        let t = s.trim();
        let split = t.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let n: f64 = num
            .parse()
            .map_err(|_| "expected a number and a unit, e.g. 10MiB".to_string())?;
        let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "k" | "kb" | "kib" => 1 << 10,
            "m" | "mb" | "mib" => 1 << 20,
            "g" | "gb" | "gib" => 1 << 30,
            other => return Err(format!("unknown unit `{other}` (use B, KiB, MiB or GiB)")),
        };
        let bytes = (n * mult as f64).round();
        // Compared before the cast, which would saturate: 2^64 bytes and more is no size.
        if n < 0.0 || !bytes.is_finite() || bytes >= u64::MAX as f64 {
            return Err("not a number of bytes under 2^64".into());
        }
        Ok(Size(bytes as u64))
    }
}

/// A duration: a number with a unit `ms`, `s`, `m`, `h`; a bare number is seconds.
/// The error says why, and the caller names the value (clap's `value_parser`).
pub fn duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num.parse().map_err(|_| "expected e.g. 500ms, 2s, 1m".to_string())?;
    let secs = match unit.trim() {
        "ms" => n / 1000.0,
        "" | "s" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        other => return Err(format!("unknown unit `{other}` (use ms, s, m or h)")),
    };
    // `try_from`: a duration too long for `Duration` is refused, not a panic.
    match Duration::try_from_secs_f64(secs) {
        Ok(d) if secs.is_finite() => Ok(d),
        _ => Err("not a length of time up to 2^64 s".into()),
    }
}

/// [`duration`], its error naming the value: `invalid duration `x`: …`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    duration(s).map_err(|why| format!("invalid duration `{s}`: {why}"))
}

/// A rate: `100`, `100/s`, `6000/m`, `10/h`; finite and above zero. The error says
/// why, and the caller names the value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate(f64);

impl Rate {
    pub fn per_second(self) -> f64 {
        self.0
    }
}

impl FromStr for Rate {
    type Err = String;
    fn from_str(s: &str) -> Result<Rate, String> {
        let (n, unit) = s.split_once('/').unwrap_or((s, "s"));
        let n: f64 = n.trim().parse().map_err(|_| "expected e.g. 100/s".to_string())?;
        let per = match unit.trim() {
            "s" | "sec" => 1.0,
            "m" | "min" => 60.0,
            "h" => 3600.0,
            other => return Err(format!("unknown unit `{other}` (use s, m or h)")),
        };
        // NaN and infinities parse as floats; none is a rate (NaN compares false to
        // everything, so it would be no limit at all).
        let rate = n / per;
        if !n.is_finite() || !rate.is_finite() {
            return Err("not a finite number".into());
        }
        if rate <= 0.0 {
            return Err("must be above 0".into());
        }
        Ok(Rate(rate))
    }
}

/// Appends `n` in decimal, without the formatting machinery (hot paths: one per request).
pub fn push_decimal(out: &mut String, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(buf[i..].iter().map(|&d| d as char));
}

/// Formats a byte count for people: `512 B`, `1.0 KiB`, `10.5 MiB`.
pub fn format_size(n: u64) -> String {
    const U: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    // Tenths of the unit in integers, rounded half to even as `{:.1}` rounds: the
    // listener prints one size per request, and float formatting is the slow part.
    let mut i = 0;
    let mut unit: u128 = 1024;
    while n as u128 >= unit * 1024 && i < U.len() - 1 {
        unit *= 1024;
        i += 1;
    }
    let scaled = n as u128 * 10;
    let (mut tenths, rest) = (scaled / unit, scaled % unit);
    if 2 * rest > unit || (2 * rest == unit && tenths % 2 == 1) {
        tenths += 1;
    }
    let mut s = String::with_capacity(12);
    push_decimal(&mut s, (tenths / 10) as u64);
    s.push('.');
    push_decimal(&mut s, (tenths % 10) as u64);
    s.push(' ');
    s.push_str(U[i]);
    s
}

/// Formats a duration for people: `850µs`, `12.3ms`, `1.52s`.
pub fn format_duration(d: Duration) -> String {
    let mut out = Vec::with_capacity(12);
    push_duration(&mut out, d);
    String::from_utf8(out).expect("ASCII and µ")
}

/// Appends [`format_duration`]'s text: integers, rounded as `{:.1}` and `{:.2}` round
/// the float (replay prints one per request, and float formatting is the slow part).
pub fn push_duration(out: &mut Vec<u8>, d: Duration) {
    /// `n / unit` with `places` decimals and then `suffix`. A tie in decimal is
    /// decided by the float, as formatting it would.
    fn fixed(out: &mut Vec<u8>, n: u64, unit: u64, places: u32, float: impl Fn() -> f64, suffix: &str) {
        let step = unit / 10u64.pow(places);
        if n % step == step / 2 {
            let text = format!("{:.*}{suffix}", places as usize, float());
            out.extend_from_slice(text.as_bytes());
            return;
        }
        let scaled = n / step + u64::from(n % step > step / 2);
        let whole = 10u64.pow(places);
        let mut buf = itoa::Buffer::new();
        out.extend_from_slice(buf.format(scaled / whole).as_bytes());
        out.push(b'.');
        let frac = buf.format(scaled % whole);
        out.extend(std::iter::repeat_n(b'0', places as usize - frac.len()));
        out.extend_from_slice(frac.as_bytes());
        out.extend_from_slice(suffix.as_bytes());
    }
    // (u64 holds 584 years of nanoseconds: longer waits are printed by the float.)
    let (us, ns) = (d.as_micros(), d.as_nanos());
    if us < 1000 {
        out.extend_from_slice(itoa::Buffer::new().format(us).as_bytes());
        out.extend_from_slice("µs".as_bytes());
    } else if us < 1_000_000 {
        fixed(out, us as u64, 1000, 1, || us as f64 / 1000.0, "ms");
    } else if let Ok(ns) = u64::try_from(ns) {
        fixed(out, ns, 1_000_000_000, 2, || d.as_secs_f64(), "s");
    } else {
        out.extend_from_slice(format!("{:.2}s", d.as_secs_f64()).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Numbers too large for the type are refused, never saturated or a panic.
    #[test]
    fn sizes_and_durations_that_do_not_fit_are_refused() {
        for bad in ["99999999999999999999999GiB", "18446744073709551616", "-1", "."] {
            assert!(bad.parse::<Size>().is_err(), "{bad}");
        }
        assert_eq!("1.5KiB".parse(), Ok(Size(1536)));
        for bad in ["99999999999999999999999h", "18446744073709551616000s", "-1s", "."] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
    }

    #[test]
    fn sizes() {
        let size = |s: &str| s.parse::<Size>().map(|s| s.0);
        assert_eq!(size("1KiB").unwrap(), 1024);
        assert_eq!(size("10MiB").unwrap(), 10 << 20);
        assert_eq!(size("10mb").unwrap(), 10 << 20);
        assert_eq!(size("512").unwrap(), 512);
        assert_eq!(size("1.5K").unwrap(), 1536);
        assert!(size("ten").is_err());
        assert!(size("1XB").unwrap_err().contains("unknown unit"));
    }

    #[test]
    fn rates() {
        let rate = |s: &str| s.parse::<Rate>().map(Rate::per_second);
        assert_eq!(rate("100/s"), Ok(100.0));
        assert_eq!(rate("60/min"), Ok(1.0));
        assert_eq!(rate("0.5"), Ok(0.5));
        assert_eq!(rate("7200/h"), Ok(2.0));
        assert!(rate("10/fortnight").unwrap_err().contains("unknown unit"));
        // Not a number, not finite, or no rate at all: each refused with the reason.
        for (bad, why) in [
            ("fast", "expected"),
            ("nan/s", "finite"),
            ("inf", "finite"),
            ("1e309/s", "finite"),
            ("0/s", "above 0"),
            ("-1/s", "above 0"),
            ("1e-400/s", "above 0"),
            ("NaN", "finite"),
            ("-inf/s", "finite"),
            ("infinity/m", "finite"),
            ("x/s", "expected"),
            ("1/y", "unknown unit"),
        ] {
            assert!(rate(bad).expect_err(bad).contains(why), "{bad}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2s").unwrap(), Duration::from_secs(2));
        assert_eq!(parse_duration("1m").unwrap(), Duration::from_secs(60));
        assert_eq!(parse_duration("3").unwrap(), Duration::from_secs(3));
        assert!(parse_duration("2 weeks")
            .unwrap_err()
            .starts_with("invalid duration `2 weeks`: unknown unit"));
    }

    #[test]
    fn formatting() {
        assert_eq!(format_size(10), "10 B");
        // The integer rounding agrees with float formatting, ties included.
        let float = |n: u64| {
            const U: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
            let mut v = n as f64 / 1024.0;
            let mut i = 0;
            while v >= 1024.0 && i < U.len() - 1 {
                v /= 1024.0;
                i += 1;
            }
            format!("{v:.1} {}", U[i])
        };
        for n in (1024..3 << 20).chain([1280, 1 << 30, (1 << 30) - 1, 5 << 40, u64::MAX / 3]) {
            assert_eq!(format_size(n), float(n), "{n}");
        }
        let mut s = String::new();
        for n in [0, 7, 10, 99, 65535, u64::MAX] {
            s.clear();
            push_decimal(&mut s, n);
            assert_eq!(s, n.to_string());
        }
        assert_eq!(format_size(1536), "1.5 KiB");
        assert_eq!(format_duration(Duration::from_micros(1500)), "1.5ms");
    }

    #[test]
    fn durations_read_as_float_formatting_would() {
        let float = |d: Duration| {
            let us = d.as_micros();
            if us < 1000 {
                format!("{us}µs")
            } else if us < 1_000_000 {
                format!("{:.1}ms", us as f64 / 1000.0)
            } else {
                format!("{:.2}s", d.as_secs_f64())
            }
        };
        let mut cases: Vec<Duration> = (0..1_200_000).step_by(7).map(Duration::from_micros).collect();
        // Ties, and the edges of each unit and of carrying into the next digit.
        for us in [
            0, 1, 999, 1000, 1049, 1050, 1150, 1250, 9950, 99_950, 999_949, 999_950, 999_999, 1_000_000,
        ] {
            cases.push(Duration::from_micros(us));
        }
        for ns in [
            1_005_000_000u64,
            1_015_000_000,
            1_994_999_999,
            1_995_000_000,
            9_995_000_000,
            59_999_999_999,
        ] {
            cases.push(Duration::from_nanos(ns));
        }
        cases.extend((1..4000u64).map(|k| Duration::from_nanos(k * 2_500_000 + 1_000_000_000)));
        cases.extend([
            Duration::from_secs(u32::MAX as u64),
            Duration::from_secs(u64::MAX / 1000),
        ]);
        for d in cases {
            assert_eq!(format_duration(d), float(d), "{d:?}");
        }
    }
}
