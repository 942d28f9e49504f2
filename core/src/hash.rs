//! The hashes behind the policy's lookup table: word-at-a-time for whole origins, byte-at-a-time from the
//! right for host suffixes, so every suffix of a host is hashed in one pass.

const K: u64 = 0x517c_c1b7_2722_0a95;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// Hash of a whole byte string (used for exact origins and schemes).
pub(crate) fn hash_bytes(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = seed;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        h = (h.rotate_left(5) ^ word).wrapping_mul(K);
    }
    let tail = chunks.remainder().iter().rev().fold(0u64, |acc, &b| acc.wrapping_shl(8) | u64::from(b));
    h = (h.rotate_left(5) ^ tail ^ (bytes.len() as u64).wrapping_shl(56)).wrapping_mul(K);
    finish(h)
}

/// One step of the right-to-left suffix hash; start from [`suffix_start`].
#[inline]
pub(crate) const fn suffix_step(h: u64, b: u8) -> u64 {
    (h ^ b as u64).wrapping_mul(FNV_PRIME)
}

pub(crate) const fn suffix_start() -> u64 {
    FNV_OFFSET
}

/// Hash of a host suffix, computed right to left exactly as a request walk computes it.
pub(crate) fn hash_suffix(bytes: &[u8]) -> u64 {
    bytes.iter().rev().fold(suffix_start(), |h, &b| suffix_step(h, b))
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
