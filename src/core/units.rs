//! Sizes (`1KiB`, `10MiB`) and durations (`500ms`, `2s`, `1m`): the one parser every
//! command uses for them.

use std::time::Duration;

/// Parses a size: a number with an optional unit `B`, `KB`/`KiB`/`K`, `MB`/`MiB`/`M`,
/// `GB`/`GiB`/`G` (all binary multiples, case-insensitive).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("invalid size `{s}`: expected a number and a unit, e.g. 10MiB"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => {
            return Err(format!(
                "invalid size `{s}`: unknown unit `{other}` (use B, KiB, MiB or GiB)"
            ))
        }
    };
    let bytes = (n * mult as f64).round();
    // Compared before the cast, which would saturate: 2^64 bytes and more is no size.
    if n < 0.0 || !bytes.is_finite() || bytes >= u64::MAX as f64 {
        return Err(format!("invalid size `{s}`: not a number of bytes under 2^64"));
    }
    Ok(bytes as u64)
}

/// Parses a duration: a number with a unit `ms`, `s`, `m`, `h`; a bare number is seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit() && c != '.').unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("invalid duration `{s}`: expected e.g. 500ms, 2s, 1m"))?;
    let secs = match unit.trim() {
        "ms" => n / 1000.0,
        "" | "s" => n,
        "m" | "min" => n * 60.0,
        "h" => n * 3600.0,
        other => {
            return Err(format!(
                "invalid duration `{s}`: unknown unit `{other}` (use ms, s, m or h)"
            ))
        }
    };
    // `try_from`: a duration too long for `Duration` is refused, not a panic.
    match Duration::try_from_secs_f64(secs) {
        Ok(d) if secs.is_finite() => Ok(d),
        _ => Err(format!("invalid duration `{s}`: not a length of time up to 2^64 s")),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Numbers too large for the type are refused, never saturated or a panic.
    #[test]
    fn sizes_and_durations_that_do_not_fit_are_refused() {
        for bad in ["99999999999999999999999GiB", "18446744073709551616", "-1", "."] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_size("1.5KiB"), Ok(1536));
        for bad in ["99999999999999999999999h", "18446744073709551616000s", "-1s", "."] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1KiB").unwrap(), 1024);
        assert_eq!(parse_size("10MiB").unwrap(), 10 << 20);
        assert_eq!(parse_size("10mb").unwrap(), 10 << 20);
        assert_eq!(parse_size("512").unwrap(), 512);
        assert_eq!(parse_size("1.5K").unwrap(), 1536);
        assert!(parse_size("ten").is_err());
        assert!(parse_size("1XB").unwrap_err().contains("unknown unit"));
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("500ms").unwrap(), Duration::from_millis(500));
        assert_eq!(parse_duration("2s").unwrap(), Duration::from_secs(2));
        assert_eq!(parse_duration("1m").unwrap(), Duration::from_secs(60));
        assert_eq!(parse_duration("3").unwrap(), Duration::from_secs(3));
        assert!(parse_duration("2 weeks").is_err());
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
