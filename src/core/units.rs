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

/// Formats a byte count for people: `512 B`, `1.0 KiB`, `10.5 MiB`.
pub fn format_size(n: u64) -> String {
    const U: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut i = 0;
    while v >= 1024.0 && i < U.len() - 1 {
        v /= 1024.0;
        i += 1;
    }
    format!("{v:.1} {}", U[i])
}

/// Formats a duration for people: `850µs`, `12.3ms`, `1.52s`.
pub fn format_duration(d: Duration) -> String {
    let us = d.as_micros();
    if us < 1000 {
        format!("{us}µs")
    } else if us < 1_000_000 {
        format!("{:.1}ms", us as f64 / 1000.0)
    } else {
        format!("{:.2}s", d.as_secs_f64())
    }
}

/// A size limit as it is set: `10 MiB`, `1 KiB`, `1500 B`; one that is not a whole
/// number of a unit as [`format_size`] writes it.
pub fn format_limit(n: u64) -> String {
    const U: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n;
    let mut i = 0;
    while v >= 1024 && v % 1024 == 0 && i < U.len() - 1 {
        v /= 1024;
        i += 1;
    }
    if i == 0 && n >= 1024 {
        return format_size(n);
    }
    format!("{v} {}", U[i])
}

/// A duration as a setting is written: `1s`, `2.5s`, `250ms`, `5m`, `2h`.
pub fn format_duration_setting(d: Duration) -> String {
    let ms = d.as_millis();
    if ms % 1000 != 0 || ms == 0 {
        if ms < 1000 {
            return format!("{ms}ms");
        }
        return format!("{}s", d.as_secs_f64());
    }
    let s = d.as_secs();
    if s % 3600 == 0 {
        format!("{}h", s / 3600)
    } else if s % 60 == 0 {
        format!("{}m", s / 60)
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_as_settings() {
        use std::time::Duration;
        let f = super::format_duration_setting;
        assert_eq!(f(Duration::from_secs(1)), "1s");
        assert_eq!(f(Duration::from_millis(2500)), "2.5s");
        assert_eq!(f(Duration::from_millis(250)), "250ms");
        assert_eq!(f(Duration::from_secs(300)), "5m");
        assert_eq!(f(Duration::from_secs(7200)), "2h");
        assert_eq!(f(Duration::from_secs(90)), "90s");
    }

    #[test]
    fn limits_as_set() {
        assert_eq!(super::format_limit(10 << 20), "10 MiB");
        assert_eq!(super::format_limit(1024), "1 KiB");
        assert_eq!(super::format_limit(1000), "1000 B");
        assert_eq!(super::format_limit(1536), "1.5 KiB");
    }

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
        assert_eq!(format_size(1023), "1023 B");
        assert_eq!(format_size(1024), "1.0 KiB");
        assert_eq!(format_size(1536), "1.5 KiB");
        assert_eq!(format_size((1 << 20) - 1), "1024.0 KiB");
        assert_eq!(format_size(10 << 20 | 1 << 19), "10.5 MiB");
        assert_eq!(format_size(1 << 30), "1.0 GiB");
        assert_eq!(format_size(5 << 40), "5.0 TiB");
        assert_eq!(format_size(u64::MAX), "16777216.0 TiB");
        for (d, text) in [
            (Duration::ZERO, "0µs"),
            (Duration::from_micros(850), "850µs"),
            (Duration::from_micros(999), "999µs"),
            (Duration::from_micros(1000), "1.0ms"),
            (Duration::from_micros(1449), "1.4ms"),
            (Duration::from_micros(1500), "1.5ms"),
            (Duration::from_micros(12_345), "12.3ms"),
            (Duration::from_micros(999_999), "1000.0ms"),
            (Duration::from_secs(1), "1.00s"),
            (Duration::from_millis(1520), "1.52s"),
            (Duration::from_secs(2), "2.00s"),
        ] {
            assert_eq!(format_duration(d), text, "{d:?}");
        }
    }
}
