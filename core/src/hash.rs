//! The hashes behind the policy's lookup table, word at a time: whole origins, schemes and host suffixes.

const K: u64 = 0x517c_c1b7_2722_0a95;

/// Hash of a byte string (exact origins, schemes, host suffixes; each with its own seed).
pub(crate) fn hash_bytes(seed: u64, bytes: &[u8]) -> u64 {
    finish(mix_bytes(seed, bytes))
}

/// [`hash_bytes`] without the final avalanche: for parts that [`pattern_key`] mixes and finishes.
pub(crate) fn mix_bytes(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = seed ^ (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        h = (h.rotate_left(5) ^ word(chunk)).wrapping_mul(K);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        // The last eight bytes, overlapping the last whole word, instead of a byte loop; shorter values
        // (nothing overlaps) are gathered byte by byte. The length is already mixed in.
        let last = match bytes.len().checked_sub(8) {
            Some(at) => word(bytes.get(at..).unwrap_or(&[])),
            None => tail.iter().rev().fold(0u64, |acc, &b| acc.wrapping_shl(8) | u64::from(b)),
        };
        h = (h.rotate_left(5) ^ last).wrapping_mul(K);
    }
    h
}

fn word(bytes: &[u8]) -> u64 {
    u64::from_le_bytes(bytes.try_into().unwrap_or([0; 8]))
}

/// Combines the parts of a pattern key into one well-mixed hash.
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
