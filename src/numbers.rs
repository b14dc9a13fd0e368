//! Numbers typed on the command line: `1e6`, `1_000_000` and `1,000,000` all mean a million,
//! and an error says what was wrong rather than naming a Rust type.

/// `s` with digit-group separators removed: `_` anywhere between digits, `,` only between
/// groups of three (so `1,0`, which may be a decimal comma, is refused rather than read as 10).
pub fn clean_digits(s: &str) -> Result<String, String> {
    let t = s.trim();
    if t.contains(',') {
        let mantissa_end = t.find(['.', 'e', 'E']).unwrap_or(t.len());
        let int = t[..mantissa_end]
            .trim_start_matches(['-', '+'])
            .replace('_', "");
        let groups: Vec<&str> = int.split(',').collect();
        let grouped = groups[0].len() <= 3
            && !groups[0].is_empty()
            && groups[1..].iter().all(|g| g.len() == 3)
            && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
        if !grouped || t[mantissa_end..].contains(',') {
            return Err(format!(
                "`{s}` is not a number: a comma may only separate thousands (1,000,000); \
                 write decimals with a point (1.5)"
            ));
        }
    }
    let bytes = t.as_bytes();
    let mut out = String::with_capacity(t.len());
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b',' => {}
            b'_' => {
                let between = i > 0
                    && bytes[i - 1].is_ascii_digit()
                    && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
                if !between {
                    return Err(format!(
                        "`{s}` is not a number: `_` may only stand between digits (1_000_000)"
                    ));
                }
            }
            _ => out.push(b as char),
        }
    }
    Ok(out)
}

/// A finite number, e.g. `1000`, `1e6`, `1_000_000`, `1,000,000` or `0.37`.
pub fn parse_number(s: &str) -> Result<f64, String> {
    let cleaned = clean_digits(s)?;
    match cleaned.parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(_) => Err(format!("`{s}` is not a finite number")),
        Err(_) => Err(format!(
            "`{s}` is not a number (write e.g. 1000, 1e6, 1_000_000 or 0.37)"
        )),
    }
}

/// A size in bytes: a number with an optional unit K, M, G or T (powers of 1024; `B`, `iB`
/// and lower case accepted), e.g. `4G`, `512M`, `1.5GiB`, `4000000000`.
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let digits_end = t
        .find(|c: char| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(digits_end);
    let x = parse_number(number).map_err(|_| {
        format!("`{s}` is not a size; write e.g. 4G, 512M or 1.5GiB (powers of 1024)")
    })?;
    let power = match unit
        .to_ascii_lowercase()
        .trim_end_matches("ib")
        .trim_end_matches('b')
    {
        "" => 0,
        "k" => 1,
        "m" => 2,
        "g" => 3,
        "t" => 4,
        _ => return Err(format!("`{s}`: unknown unit `{unit}`; use K, M, G or T")),
    };
    let bytes = x * 1024f64.powi(power);
    if !(bytes >= 1.0 && bytes < 2f64.powi(63)) {
        return Err(format!("`{s}` is not a usable memory size"));
    }
    Ok(bytes as u64)
}

/// Memory a run can get now: the least of the system's available memory (Linux
/// `MemAvailable`), the cgroup's limit less its use (containers), and the address-space limit
/// (`ulimit -v`). None when the system says none of them.
pub fn available_memory() -> Option<u64> {
    let read = |p: &str| std::fs::read_to_string(p).ok();
    let mem_available = read("/proc/meminfo").and_then(|info| {
        let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    });
    let cgroup = read("/sys/fs/cgroup/memory.max")
        .and_then(|m| m.trim().parse::<u64>().ok())
        .map(|max| {
            let used = read("/sys/fs/cgroup/memory.current")
                .and_then(|c| c.trim().parse::<u64>().ok())
                .unwrap_or(0);
            max.saturating_sub(used)
        });
    [mem_available, cgroup, address_space_limit()]
        .into_iter()
        .flatten()
        .min()
}

#[cfg(unix)]
fn address_space_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit only writes into the struct given.
    let ok = unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut limit) } == 0;
    // rlim_t is u64 on Linux but not everywhere.
    #[allow(clippy::unnecessary_cast)]
    (ok && limit.rlim_cur != libc::RLIM_INFINITY).then_some(limit.rlim_cur as u64)
}

#[cfg(not(unix))]
fn address_space_limit() -> Option<u64> {
    None
}

/// "1.5 GiB", "512 MiB": a byte count for messages.
pub fn format_bytes(bytes: u64) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < units.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} bytes")
    } else {
        format!("{v:.1} {}", units[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_every_usual_spelling() {
        for s in [
            "1000000",
            "1e6",
            "1_000_000",
            "1,000,000",
            "1E6",
            " 1000000 ",
        ] {
            assert_eq!(parse_number(s), Ok(1e6), "{s}");
        }
        assert_eq!(parse_number("0.37"), Ok(0.37));
        assert_eq!(parse_number("1e19"), Ok(1e19));
    }

    #[test]
    fn ambiguous_or_broken_numbers_are_explained() {
        let e = parse_number("1,0").unwrap_err();
        assert!(e.contains("comma may only separate thousands"), "{e}");
        assert!(parse_number("1,00,000").is_err());
        assert!(parse_number("_1").unwrap_err().contains("between digits"));
        assert!(parse_number("abc").unwrap_err().contains("not a number"));
        assert!(parse_number("inf").unwrap_err().contains("finite"));
        assert!(parse_number("NaN").unwrap_err().contains("finite"));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_bytes("4G"), Ok(4 << 30));
        assert_eq!(parse_bytes("512MiB"), Ok(512 << 20));
        assert_eq!(parse_bytes("1.5g"), Ok(3 << 29));
        assert_eq!(parse_bytes("4000"), Ok(4000));
        assert!(parse_bytes("4X").unwrap_err().contains("unknown unit"));
        assert!(parse_bytes("0").is_err());
        assert_eq!(format_bytes(3 << 29), "1.5 GiB");
    }
}
