//! The hashes behind the policy's lookup table, word at a time: whole origins, schemes and host suffixes.

const K: u64 = 0x517c_c1b7_2722_0a95;

/// Hash of a byte string (exact origins, schemes, host suffixes; each with its own seed).
pub(crate) fn hash_bytes(seed: u64, bytes: &[u8]) -> u64 {
    finish(mix_bytes(seed, bytes))
}

/// [`hash_bytes`] without the final avalanche: for parts that [`pattern_key`] mixes and finishes.
#[inline(always)]
pub(crate) fn mix_bytes(seed: u64, bytes: &[u8]) -> u64 {
    let step = |h: u64, word: &[u8; 8]| (h.rotate_left(5) ^ u64::from_le_bytes(*word)).wrapping_mul(K);
    let h = seed ^ (bytes.len() as u64).wrapping_mul(K);
    // The words from the start while more than eight bytes are left, then the last eight bytes, which may
    // overlap the word before them, instead of a byte loop. The length is already mixed in.
    let Some(last) = bytes.last_chunk::<8>() else {
        // Shorter values (nothing to overlap) are gathered byte by byte.
        if bytes.is_empty() {
            return h;
        }
        let gathered = bytes.iter().rev().fold(0u64, |acc, &b| acc.wrapping_shl(8) | u64::from(b));
        return (h.rotate_left(5) ^ gathered).wrapping_mul(K);
    };
    let mut h = h;
    let mut rest = bytes;
    while let Some((word, tail)) = rest.split_first_chunk::<8>() {
        if tail.is_empty() {
            break;
        }
        h = step(h, word);
        rest = tail;
    }
    step(h, last)
}

/// Combines the parts of a pattern key into one well-mixed hash.
#[inline(always)]
pub(crate) fn pattern_key(kind: u64, scheme_hash: u64, suffix_hash: u64, port_key: u64) -> u64 {
    let h = (scheme_hash.rotate_left(17) ^ suffix_hash).wrapping_mul(K);
    let h = (h.rotate_left(5) ^ port_key ^ kind.wrapping_shl(40)).wrapping_mul(K);
    finish(h)
}

const fn finish(mut h: u64) -> u64 {
    h ^= h >> 31;
    h = h.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h ^ (h >> 29)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hash as first written: whole words, then the last eight bytes overlapping them, or the bytes
    /// gathered when there are fewer than eight.
    fn mix_bytes_reference(seed: u64, bytes: &[u8]) -> u64 {
        let mut h = seed ^ (bytes.len() as u64).wrapping_mul(K);
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            h = (h.rotate_left(5) ^ u64::from_le_bytes(chunk.try_into().unwrap())).wrapping_mul(K);
        }
        let tail = chunks.remainder();
        if !tail.is_empty() {
            let last = match bytes.len().checked_sub(8) {
                Some(at) => u64::from_le_bytes(bytes[at..].try_into().unwrap()),
                None => tail.iter().rev().fold(0u64, |acc, &b| acc << 8 | u64::from(b)),
            };
            h = (h.rotate_left(5) ^ last).wrapping_mul(K);
        }
        h
    }

    #[test]
    fn mix_bytes_is_the_reference_hash() {
        let bytes: Vec<u8> = (0..80u8).map(|i| i.wrapping_mul(37).wrapping_add(11)).collect();
        for len in 0..=bytes.len() {
            for seed in [0, SEED_TEST] {
                assert_eq!(mix_bytes(seed, &bytes[..len]), mix_bytes_reference(seed, &bytes[..len]), "{len}");
            }
        }
    }

    const SEED_TEST: u64 = 0xa409_3822_299f_31d0;
}
