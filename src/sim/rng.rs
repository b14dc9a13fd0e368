//! Named random streams. Each (seed, stream, chunk) gets its own generator, so results do not
//! depend on the thread count, and adding an event does not reshuffle the draws of the others.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator used for every stream: specified, portable and fast (not `StdRng`, whose
/// algorithm may change between rand versions).
pub type Generator = Xoshiro256PlusPlus;

/// Stream of the annual growth shocks ε.
pub const SHOCKS: u64 = 1;
/// Stream of per-path parameter draws (r0).
pub const PARAMETERS: u64 = 2;
/// Stream of the χ² draws that turn r0's Normal into a Student-t.
pub const PARAMETER_SPREAD: u64 = 3;

/// Stream of an event's draws, keyed by its id (FNV-1a, stable across platforms and versions).
pub fn event_stream(event_id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in event_id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h | (1 << 63)
}

/// Stream of an uncertain input's draws, keyed by its `--set` key (FNV-1a, as events'; the top
/// two bits 01 keep it apart from events' streams, whose top bit is 1, and the small numbers).
pub fn input_stream(key: &str) -> u64 {
    (event_stream(key) & !(3 << 62)) | (1 << 62)
}

/// SplitMix64 finaliser: a strong 64-bit mix.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The generator for one stream of one chunk of paths.
pub fn generator(seed: u64, stream: u64, chunk: u64) -> Generator {
    let key = mix(mix(mix(seed) ^ stream) ^ chunk.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    Generator::seed_from_u64(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_differ_and_repeat() {
        let a = generator(1, SHOCKS, 0).next_u64();
        assert_eq!(a, generator(1, SHOCKS, 0).next_u64());
        assert_ne!(a, generator(1, PARAMETERS, 0).next_u64());
        assert_ne!(a, generator(1, SHOCKS, 1).next_u64());
        assert_ne!(a, generator(2, SHOCKS, 0).next_u64());
        assert_ne!(event_stream("osa"), event_stream("kosa"));
    }
}
