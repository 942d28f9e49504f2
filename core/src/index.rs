//! The origin table: the policy's origin list and the open-addressing hash index over it, laid out in one
//! byte region the policy owns, so that lookup cost does not depend on how many origins there are and a policy
//! needs neither an allocator nor borrowed slices. The same type writes the table when a policy is built and
//! reads it when a request is decided.
//!
//! Layout (all integers little-endian): `slots` × 4-byte index slots, then one 16-byte entry per origin-list
//! entry, then the entries' text. A slot holds a 14-bit hash tag, a 1-bit entry kind and the entry's position
//! plus one (0 = empty).

use crate::bytes::eq;
use crate::hash;
use crate::origin::{HostKind, Origin};
use crate::pattern::{PortPattern, WildcardPattern};

const TAG_SHIFT: u32 = 18;
const KIND_BIT: u32 = 1 << 17;
const ENTRY_MASK: u32 = KIND_BIT - 1;
const SLOT_LEN: usize = 4;
const ENTRY_LEN: usize = 16;

/// The most origins and patterns one policy can hold.
pub const MAX_ORIGINS: usize = (ENTRY_MASK - 1) as usize;

pub(crate) const KIND_SUBDOMAINS: u64 = 1;
pub(crate) const KIND_HOST_ANY_PORT: u64 = 2;
pub(crate) const PORT_KEY_ANY: u64 = 0x1_0000;
pub(crate) const SEED_EXACT: u64 = 0x243f_6a88_85a3_08d3;
pub(crate) const SEED_SCHEME: u64 = 0x1319_8a2e_0370_7344;
pub(crate) const SEED_SUFFIX: u64 = 0xa409_3822_299f_31d0;

/// Which table an entry belongs to; exact origins and patterns share the slots but never match each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EntryKind {
    Exact,
    Pattern,
}

/// How many index slots a table of `origin_count` entries has: a power of two, at most half full.
const fn slot_count(origin_count: usize) -> usize {
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

/// The bytes a table of `origin_count` entries whose texts add up to `text_len` bytes takes.
pub(crate) const fn table_len(origin_count: usize, text_len: usize) -> usize {
    slot_count(origin_count)
        .saturating_mul(SLOT_LEN)
        .saturating_add(origin_count.saturating_mul(ENTRY_LEN))
        .saturating_add(text_len)
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

fn read_u16(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes(bytes.get(at..at.wrapping_add(2)).and_then(|b| b.try_into().ok()).unwrap_or([0; 2]))
}

fn read_u32(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes.get(at..at.wrapping_add(4)).and_then(|b| b.try_into().ok()).unwrap_or([0; 4]))
}

fn write(bytes: &mut [u8], at: usize, value: &[u8]) {
    if let Some(dst) = bytes.get_mut(at..at.wrapping_add(value.len())) {
        for (d, s) in dst.iter_mut().zip(value) {
            *d = *s;
        }
    }
}

/// Where the parts of a table are in its byte region. Plain numbers, so a policy holding it can be copied or
/// placed in caller memory without holding a pointer into itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct TableLayout {
    mask: usize,
    entries_at: usize,
    text_at: usize,
}

/// The origin table of a built policy, over the bytes that hold it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct OriginTable<'s> {
    layout: TableLayout,
    bytes: &'s [u8],
}

/// The parsed form of an entry, as stored: for a wildcard its parts, so matching needs no parsing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StoredEntry<'a> {
    Exact(&'a [u8]),
    Wildcard(WildcardPattern<'a>),
}

impl<'s> OriginTable<'s> {
    pub(crate) const fn new(layout: TableLayout, bytes: &'s [u8]) -> Self {
        OriginTable { layout, bytes }
    }

    /// Candidate entries for `hash` of `kind`, in probe order; the caller verifies each.
    #[inline]
    fn candidates(&self, hash: u64, kind: EntryKind) -> Candidates<'s> {
        let mask = self.layout.mask;
        Candidates {
            bytes: self.bytes,
            mask,
            pos: (hash as usize) & mask,
            left: mask.wrapping_add(1),
            want: tag_of(hash) | kind_bit(kind),
        }
    }

    /// The bytes at `start..start + len` of the table (a span recorded while it was written).
    #[inline]
    pub(crate) fn span(&self, start: u32, len: u16) -> &'s [u8] {
        let start = start as usize;
        self.bytes.get(start..start.wrapping_add(usize::from(len))).unwrap_or(&[])
    }

    /// The text of entry `i`, as listed.
    #[inline]
    pub(crate) fn text(&self, i: usize) -> &'s [u8] {
        let at = self.layout.entries_at.wrapping_add(i.wrapping_mul(ENTRY_LEN));
        let start = self.layout.text_at.wrapping_add(read_u32(self.bytes, at) as usize);
        let len = usize::from(read_u16(self.bytes, at.wrapping_add(4)));
        self.bytes.get(start..start.wrapping_add(len)).unwrap_or(&[])
    }

    /// Entry `i` in parsed form.
    #[inline]
    pub(crate) fn entry(&self, i: usize) -> StoredEntry<'s> {
        let at = self.layout.entries_at.wrapping_add(i.wrapping_mul(ENTRY_LEN));
        let text = self.text(i);
        let Some(meta) = self.bytes.get(at.wrapping_add(6)..at.wrapping_add(ENTRY_LEN)) else {
            return StoredEntry::Exact(text);
        };
        let flags = meta.get(9).copied().unwrap_or(0);
        if flags & FLAG_WILDCARD == 0 {
            return StoredEntry::Exact(text);
        }
        let scheme_len = usize::from(read_u16(meta, 0));
        let host_at = usize::from(read_u16(meta, 2));
        let host_len = usize::from(read_u16(meta, 4));
        let port = match meta.get(8).copied().unwrap_or(0) {
            PORT_EXACT => PortPattern::Exact(read_u16(meta, 6)),
            PORT_ANY => PortPattern::Any,
            _ => PortPattern::Default,
        };
        StoredEntry::Wildcard(WildcardPattern::from_parts(
            text.get(..scheme_len).unwrap_or(&[]),
            text.get(host_at..host_at.wrapping_add(host_len)).unwrap_or(&[]),
            flags & FLAG_SUBDOMAINS != 0,
            port,
        ))
    }

    /// Whether an exact entry is byte-equal to `raw`, whose hash is `hash`.
    #[inline]
    pub(crate) fn has_exact(&self, hash: u64, raw: &[u8]) -> bool {
        self.candidates(hash, EntryKind::Exact).any(|i| eq(self.text(i), raw))
    }

    /// Whether a pattern entry under `key` matches `origin`: the index finds candidates, and
    /// [`WildcardPattern::matches`], the one matcher, decides.
    #[inline(always)]
    fn probe_pattern(&self, key: u64, origin: &Origin<'_>) -> bool {
        self.candidates(key, EntryKind::Pattern)
            .any(|i| matches!(self.entry(i), StoredEntry::Wildcard(w) if w.matches(origin)))
    }

    /// Whether some pattern of the policy matches `origin`, probing the index at each suffix length the
    /// policy's patterns have.
    #[inline(always)]
    pub(crate) fn matches_pattern(&self, patterns: &PatternSummary, origin: &Origin<'_>) -> bool {
        if !patterns.has_subdomain_patterns && !patterns.has_host_patterns {
            return false;
        }
        let scheme = origin.scheme();
        let mut known = None;
        for &(start, len, h) in patterns.schemes.get(..patterns.scheme_count).unwrap_or(&[]) {
            if eq(self.span(start, len), scheme) {
                known = Some(h);
                break;
            }
        }
        let scheme_hash = match known {
            Some(h) => h,
            None if patterns.more_schemes => hash::mix_bytes(SEED_SCHEME, scheme),
            None => return false,
        };
        let host = origin.host();
        let probe = |kind: u64, suffix_hash: u64, port: u64| {
            self.probe_pattern(hash::pattern_key(kind, scheme_hash, suffix_hash, port), origin)
        };
        // Host patterns (`http://localhost:*`) always take any port.
        if patterns.has_host_patterns && probe(KIND_HOST_ANY_PORT, hash::mix_bytes(SEED_SUFFIX, host), PORT_KEY_ANY) {
            return true;
        }
        if !patterns.has_subdomain_patterns || origin.host_kind() != Some(HostKind::Domain) {
            return false;
        }
        // Only a suffix as long as some pattern's can match, so the host is tested at those lengths alone (a
        // policy has few distinct ones) rather than at each of its dots: a candidate is a dot with a
        // non-empty label before it. `suffix_lens` keeps lengths modulo 256, so each bit stands for every
        // length of its class up to the longest pattern's.
        let port = port_key(origin.port());
        let longest = patterns.max_suffix_len.min(host.len().saturating_sub(1));
        for (w, &word) in patterns.suffix_lens.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let mut len = w.wrapping_mul(64).wrapping_add(bits.trailing_zeros() as usize);
                bits &= bits.wrapping_sub(1);
                while len <= longest {
                    let at = host.len().wrapping_sub(len);
                    let starts_suffix =
                        host.get(at) == Some(&b'.') && host.get(at.wrapping_sub(1)).is_some_and(|&b| b != b'.');
                    if starts_suffix {
                        let suffix = host.get(at..).unwrap_or(&[]);
                        let suffix_hash = hash::mix_bytes(SEED_SUFFIX, suffix);
                        if probe(KIND_SUBDOMAINS, suffix_hash, port)
                            || (patterns.any_port_patterns && probe(KIND_SUBDOMAINS, suffix_hash, PORT_KEY_ANY))
                        {
                            return true;
                        }
                    }
                    len = len.wrapping_add(256);
                }
            }
        }
        false
    }
}

pub(crate) fn port_key(port: Option<u16>) -> u64 {
    port.map_or(0, u64::from)
}

/// What the decision needs to know about the policy's patterns before it probes the table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PatternSummary {
    pub(crate) has_subdomain_patterns: bool,
    pub(crate) has_host_patterns: bool,
    /// Bit `len % 256` is set when some subdomain pattern's suffix (with its dot) has that length.
    pub(crate) suffix_lens: [u64; 4],
    /// The distinct schemes of the patterns (as spans into the table's bytes) with their hashes, so a request
    /// neither hashes its scheme nor, when no pattern has that scheme, looks any further; `more_schemes`
    /// when they did not fit.
    pub(crate) schemes: [(u32, u16, u64); 4],
    pub(crate) scheme_count: usize,
    pub(crate) more_schemes: bool,
    /// Whether some subdomain pattern takes any port (`:*`), so that a request also probes for that key.
    pub(crate) any_port_patterns: bool,
    /// The longest subdomain-pattern suffix (with its dot): no longer suffix of a request's host is tested.
    pub(crate) max_suffix_len: usize,
}

/// Iterator over the entries whose tag and kind match a probe.
struct Candidates<'a> {
    bytes: &'a [u8],
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
            let slot = read_u32(self.bytes, self.pos.wrapping_mul(SLOT_LEN));
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

const FLAG_WILDCARD: u8 = 1;
const FLAG_SUBDOMAINS: u8 = 2;
const PORT_DEFAULT: u8 = 0;
const PORT_EXACT: u8 = 1;
const PORT_ANY: u8 = 2;

/// Writes a table into a policy's byte region while the policy is built.
pub(crate) struct TableWriter<'s> {
    layout: TableLayout,
    bytes: &'s mut [u8],
    /// Entries written so far, and the text bytes they take.
    count: usize,
    text_len: usize,
}

impl<'s> TableWriter<'s> {
    /// A writer for `origin_count` entries with `text_len` bytes of text, or `None` when `bytes` is too small.
    pub(crate) fn new(bytes: &'s mut [u8], origin_count: usize, text_len: usize) -> Option<Self> {
        let needed = table_len(origin_count, text_len);
        let bytes = bytes.get_mut(..needed)?;
        let slots = slot_count(origin_count);
        let entries_at = slots.checked_mul(SLOT_LEN)?;
        let text_at = entries_at.checked_add(origin_count.checked_mul(ENTRY_LEN)?)?;
        bytes.fill(0);
        let layout = TableLayout { mask: slots.wrapping_sub(1), entries_at, text_at };
        Some(TableWriter { layout, bytes, count: 0, text_len: 0 })
    }

    pub(crate) const fn layout(&self) -> TableLayout {
        self.layout
    }

    /// The table as written so far.
    pub(crate) fn reader(&self) -> OriginTable<'_> {
        OriginTable { layout: self.layout, bytes: self.bytes }
    }

    /// Appends an entry's text and parsed form; returns its position and where its text is, or `None` when
    /// it does not fit (the writer was sized for fewer entries or bytes).
    pub(crate) fn push(&mut self, text: &[u8], wildcard: Option<&WildcardPattern<'_>>) -> Option<(usize, u32)> {
        let i = self.count;
        let at = self.layout.entries_at.checked_add(i.checked_mul(ENTRY_LEN)?)?;
        if at.checked_add(ENTRY_LEN)? > self.layout.text_at {
            return None;
        }
        let start = self.text_len;
        let text_start = self.layout.text_at.checked_add(start)?;
        if text_start.checked_add(text.len())? > self.bytes.len() {
            return None;
        }
        let start32 = u32::try_from(start).ok()?;
        let len16 = u16::try_from(text.len()).ok()?;
        let mut entry = [0u8; ENTRY_LEN];
        write(&mut entry, 0, &start32.to_le_bytes());
        write(&mut entry, 4, &len16.to_le_bytes());
        if let Some(w) = wildcard {
            // Every part of a parsed pattern is a subslice of its text: record where.
            let host_at = offset_in(text, w.host())?;
            let (port_kind, port) = match w.port() {
                PortPattern::Default => (PORT_DEFAULT, 0),
                PortPattern::Exact(p) => (PORT_EXACT, p),
                PortPattern::Any => (PORT_ANY, 0),
            };
            write(&mut entry, 6, &u16::try_from(w.scheme().len()).ok()?.to_le_bytes());
            write(&mut entry, 8, &u16::try_from(host_at).ok()?.to_le_bytes());
            write(&mut entry, 10, &u16::try_from(w.host().len()).ok()?.to_le_bytes());
            write(&mut entry, 12, &port.to_le_bytes());
            write(&mut entry, 14, &[port_kind]);
            write(&mut entry, 15, &[FLAG_WILDCARD | if w.subdomains() { FLAG_SUBDOMAINS } else { 0 }]);
        }
        write(self.bytes, at, &entry);
        write(self.bytes, text_start, text);
        self.count = i.wrapping_add(1);
        self.text_len = start.wrapping_add(text.len());
        Some((i, u32::try_from(text_start).ok()?))
    }

    /// Whether an entry of `kind` under `hash` already has this text.
    pub(crate) fn contains(&self, hash: u64, kind: EntryKind, text: &[u8]) -> bool {
        let table = self.reader();
        table.candidates(hash, kind).any(|j| table.text(j) == text)
    }

    /// Indexes entry `entry` at the first free slot of its probe sequence.
    pub(crate) fn insert(&mut self, hash: u64, kind: EntryKind, entry: usize) -> bool {
        let Ok(entry_bits) = u32::try_from(entry.wrapping_add(1)) else {
            return false;
        };
        if entry_bits == 0 || entry_bits > ENTRY_MASK {
            return false;
        }
        let mask = self.layout.mask;
        let mut pos = (hash as usize) & mask;
        for _ in 0..=mask {
            let at = pos.wrapping_mul(SLOT_LEN);
            if read_u32(self.bytes, at) == 0 {
                let slot = tag_of(hash) | kind_bit(kind) | entry_bits;
                write(self.bytes, at, &slot.to_le_bytes());
                return true;
            }
            pos = pos.wrapping_add(1) & mask;
        }
        false
    }
}

/// Where `part` starts inside `whole`, when it is a subslice of it.
fn offset_in(whole: &[u8], part: &[u8]) -> Option<usize> {
    let offset = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    (offset.checked_add(part.len())? <= whole.len()).then_some(offset)
}
