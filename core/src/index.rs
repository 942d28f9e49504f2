//! The open-addressing hash index that makes origin lookup cost independent of the number of origins.
//! It lives in caller-provided `u32` slots so that a policy needs no allocator: each slot holds a 14-bit hash
//! tag, a 1-bit entry kind and the entry's position in the policy's origin list plus one (0 = empty).

const TAG_SHIFT: u32 = 18;
const KIND_BIT: u32 = 1 << 17;
const ENTRY_MASK: u32 = KIND_BIT - 1;

/// The most origins and patterns one policy can hold.
pub const MAX_ORIGINS: usize = (ENTRY_MASK - 1) as usize;

/// Which table an entry belongs to; exact origins and patterns share the slots but never match each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EntryKind {
    Exact,
    Pattern,
}

/// How many index slots a policy with `origin_count` origins and patterns needs (a power of two, at most
/// half full). Pass at least this many to [`crate::Policy::build`].
///
/// ```
/// assert_eq!(corsguard::index_len(3), 8);
/// let mut index = [0u32; corsguard::index_len(3)];
/// # let _ = &mut index;
/// ```
pub const fn index_len(origin_count: usize) -> usize {
    let wanted = origin_count.saturating_mul(2);
    if wanted <= 2 {
        2
    } else {
        match wanted.checked_next_power_of_two() {
            Some(n) => n,
            None => usize::MAX,
        }
    }
}

fn tag_of(hash: u64) -> u32 {
    ((hash >> 50) as u32) << TAG_SHIFT
}

fn kind_bit(kind: EntryKind) -> u32 {
    match kind {
        EntryKind::Exact => 0,
        EntryKind::Pattern => KIND_BIT,
    }
}

/// The frozen index of a built policy.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Index<'a> {
    slots: &'a [u32],
}

impl<'a> Index<'a> {
    pub(crate) const fn new(slots: &'a [u32]) -> Self {
        Index { slots }
    }

    /// Candidate entries for `hash` of `kind`, in probe order; the caller verifies each.
    pub(crate) fn candidates(&self, hash: u64, kind: EntryKind) -> Candidates<'a> {
        let mask = self.slots.len().wrapping_sub(1);
        Candidates {
            slots: self.slots,
            mask,
            pos: (hash as usize) & mask,
            left: self.slots.len(),
            want: tag_of(hash) | kind_bit(kind),
        }
    }
}

/// Iterator over the entries whose tag and kind match a probe.
pub(crate) struct Candidates<'a> {
    slots: &'a [u32],
    mask: usize,
    pos: usize,
    left: usize,
    want: u32,
}

impl Iterator for Candidates<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.left > 0 {
            let slot = *self.slots.get(self.pos)?;
            if slot == 0 {
                self.left = 0;
                return None;
            }
            self.left = self.left.wrapping_sub(1);
            self.pos = self.pos.wrapping_add(1) & self.mask;
            if slot & !ENTRY_MASK == self.want {
                return Some(((slot & ENTRY_MASK) as usize).wrapping_sub(1));
            }
        }
        None
    }
}

/// Inserts entry `entry` at the first free slot of its probe sequence. The caller has checked capacity.
pub(crate) fn insert(slots: &mut [u32], hash: u64, kind: EntryKind, entry: usize) -> bool {
    let Ok(entry_bits) = u32::try_from(entry.wrapping_add(1)) else {
        return false;
    };
    if entry_bits == 0 || entry_bits > ENTRY_MASK {
        return false;
    }
    let mask = slots.len().wrapping_sub(1);
    let mut pos = (hash as usize) & mask;
    for _ in 0..slots.len() {
        match slots.get_mut(pos) {
            Some(slot) if *slot == 0 => {
                *slot = tag_of(hash) | kind_bit(kind) | entry_bits;
                return true;
            }
            Some(_) => pos = pos.wrapping_add(1) & mask,
            None => return false,
        }
    }
    false
}
