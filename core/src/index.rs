//! The origin table: the policy's origin list and the open-addressing hash index over it, laid out in one
//! byte region the policy owns, so that lookup cost does not depend on how many origins there are and a policy
//! needs neither an allocator nor borrowed slices. The same type writes the table when a policy is built and
//! reads it when a request is decided.
//!
//! Layout: `slots` × 8-byte index slots (little-endian), then the entries' text. An occupied slot holds a
//! 14-bit hash tag, a 1-bit entry kind and an occupied bit in its top 16 bits, and the entry's text as a span
//! of the text region (length in bits 32..48, start in bits 0..32): one read finds a candidate's bytes. An
//! empty slot is 0.

use crate::bytes::{eq, short_key};
use crate::hash;
use crate::origin::{HostKind, Origin};
use crate::pattern::{self, Subject};

const SLOT_LEN: usize = 8;
const OCCUPIED: u64 = 1 << 48;
const KIND_BIT: u64 = 1 << 49;
const TAG_SHIFT: u32 = 50;

/// The most origins and patterns one policy can hold.
pub const MAX_ORIGINS: usize = 131_070;

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
    slot_count(origin_count).saturating_mul(SLOT_LEN).saturating_add(text_len)
}

/// The top 16 bits of an occupied slot for `hash` and `kind`.
fn key_bits(hash: u64, kind: EntryKind) -> u64 {
    let kind = match kind {
        EntryKind::Exact => 0,
        EntryKind::Pattern => KIND_BIT,
    };
    ((hash >> TAG_SHIFT) << TAG_SHIFT) | kind | OCCUPIED
}

#[inline(always)]
fn read_u64(bytes: &[u8], at: usize) -> u64 {
    match bytes.get(at..at.wrapping_add(8)).and_then(|w| w.first_chunk::<8>()) {
        Some(word) => u64::from_le_bytes(*word),
        None => 0,
    }
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
    text_at: usize,
}

impl TableLayout {
    /// No table: probes find nothing.
    pub(crate) const EMPTY: TableLayout = TableLayout { mask: 0, text_at: 0 };
}

/// The origin table of a built policy, over the bytes that hold it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct OriginTable<'s> {
    layout: TableLayout,
    bytes: &'s [u8],
}

impl<'s> OriginTable<'s> {
    pub(crate) const fn new(layout: TableLayout, bytes: &'s [u8]) -> Self {
        OriginTable { layout, bytes }
    }

    /// Candidate entries for `hash` of `kind`, as their text, in probe order; the caller verifies each.
    #[inline]
    fn candidates(&self, hash: u64, kind: EntryKind) -> Candidates<'s> {
        let mask = self.layout.mask;
        Candidates {
            bytes: self.bytes,
            text_at: self.layout.text_at,
            mask,
            pos: (hash as usize) & mask,
            left: mask.wrapping_add(1),
            want: key_bits(hash, kind),
        }
    }

    /// Whether an exact entry is byte-equal to `raw`, whose hash is `hash`.
    #[inline]
    pub(crate) fn has_exact(&self, hash: u64, raw: &[u8]) -> bool {
        self.candidates(hash, EntryKind::Exact).any(|text| eq(text, raw))
    }

    /// Whether the text of a pattern entry under `key` names `subject` (see [`pattern::listed_text_matches`]):
    /// the index finds the candidates, the one matcher decides.
    #[inline(always)]
    fn probe_pattern(&self, key: u64, subdomains: bool, subject: &Subject<'_>) -> bool {
        for text in self.candidates(key, EntryKind::Pattern) {
            if pattern::listed_text_matches(text, subdomains, subject) {
                return true;
            }
        }
        false
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
        if let Some(key) = short_key(scheme) {
            for &(listed, h) in patterns.schemes.get(..patterns.scheme_count).unwrap_or(&[]) {
                if listed == key {
                    known = Some(h);
                    break;
                }
            }
        }
        let scheme_hash = match known {
            Some(h) => h,
            None if patterns.more_schemes => hash::mix_bytes(SEED_SCHEME, scheme),
            None => return false,
        };
        let host = origin.host();
        // Host patterns (`http://localhost:*`) always take any port.
        if patterns.has_host_patterns && self.matches_host(origin, scheme_hash) {
            return true;
        }
        if !patterns.has_subdomain_patterns || origin.host_kind() != Some(HostKind::Domain) {
            return false;
        }
        // Only a suffix as long as some pattern's can match, so the host is tested at those lengths alone (a
        // policy has few distinct ones) rather than at each of its dots: a candidate is a dot with a
        // non-empty label before it. `suffix_lens` keeps lengths modulo 256, so each bit stands for every
        // length of its class up to the longest pattern's.
        let longest = patterns.max_suffix_len.min(host.len().saturating_sub(1));
        let matches_at = |len: usize| {
            let at = host.len().wrapping_sub(len);
            let starts_suffix = host.get(at) == Some(&b'.') && host.get(at.wrapping_sub(1)).is_some_and(|&b| b != b'.');
            starts_suffix && self.matches_suffix(origin, scheme_hash, patterns.any_port_patterns, at)
        };
        // The usual case, every candidate length under 64: one word, cut at `longest`, each bit one length.
        if longest < 64 {
            let [first, ..] = patterns.suffix_lens;
            let mut bits = first & (u64::MAX >> 63usize.wrapping_sub(longest));
            while bits != 0 {
                let len = bits.trailing_zeros() as usize;
                bits &= bits.wrapping_sub(1);
                if matches_at(len) {
                    return true;
                }
            }
            return false;
        }
        for (w, &word) in patterns.suffix_lens.iter().enumerate() {
            let mut bits = word;
            while bits != 0 {
                let mut len = w.wrapping_mul(64).wrapping_add(bits.trailing_zeros() as usize);
                bits &= bits.wrapping_sub(1);
                while len <= longest {
                    if matches_at(len) {
                        return true;
                    }
                    len = len.wrapping_add(256);
                }
            }
        }
        false
    }

    /// Whether a host pattern (`http://localhost:*`) matches `origin`, whose scheme's hash is `scheme_hash`.
    #[inline(never)]
    fn matches_host(&self, origin: &Origin<'_>, scheme_hash: u64) -> bool {
        let host = origin.host();
        let Some(subject) = Subject::after_host(origin, 0) else {
            return false;
        };
        let key = hash::pattern_key(KIND_HOST_ANY_PORT, scheme_hash, hash::mix_bytes(SEED_SUFFIX, host), PORT_KEY_ANY);
        self.probe_pattern(key, false, &subject)
    }

    /// Whether a subdomain pattern matches `origin` (whose scheme's hash is `scheme_hash`) with the suffix of its
    /// host from `at` on, a dot. Apart from the decision's main line: most requests never get this far.
    #[inline(never)]
    fn matches_suffix(&self, origin: &Origin<'_>, scheme_hash: u64, any_port_patterns: bool, at: usize) -> bool {
        let Some(subject) = Subject::after_host(origin, at) else {
            return false;
        };
        let suffix_hash = hash::mix_bytes(SEED_SUFFIX, subject.suffix);
        let key = |port: u64| hash::pattern_key(KIND_SUBDOMAINS, scheme_hash, suffix_hash, port);
        // Every entry for this suffix needs the same labels in front of it: checked once, after a hit.
        (self.probe_pattern(key(port_key(origin.port())), true, &subject)
            || (any_port_patterns && self.probe_pattern(key(PORT_KEY_ANY), true, &subject)))
            && pattern::covers_dns_labels(origin.host(), at, origin.has_dns_bytes())
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
    /// The distinct schemes of the patterns (as [`short_key`]s: one word each) with their hashes, so a request
    /// neither hashes its scheme nor, when no pattern has that scheme, looks any further; `more_schemes`
    /// when they did not fit.
    pub(crate) schemes: [(u64, u64); 4],
    pub(crate) scheme_count: usize,
    pub(crate) more_schemes: bool,
    /// Whether some subdomain pattern takes any port (`:*`), so that a request also probes for that key.
    pub(crate) any_port_patterns: bool,
    /// The longest subdomain-pattern suffix (with its dot): no longer suffix of a request's host is tested.
    pub(crate) max_suffix_len: usize,
}

impl PatternSummary {
    /// No patterns.
    pub(crate) const EMPTY: PatternSummary = PatternSummary {
        has_subdomain_patterns: false,
        has_host_patterns: false,
        suffix_lens: [0; 4],
        schemes: [(0, 0); 4],
        scheme_count: 0,
        more_schemes: false,
        any_port_patterns: false,
        max_suffix_len: 0,
    };
}

/// Iterator over the texts of the entries whose tag and kind match a probe.
struct Candidates<'a> {
    bytes: &'a [u8],
    text_at: usize,
    mask: usize,
    pos: usize,
    left: usize,
    want: u64,
}

impl<'a> Iterator for Candidates<'a> {
    type Item = &'a [u8];

    #[inline(always)]
    fn next(&mut self) -> Option<&'a [u8]> {
        while self.left > 0 {
            let slot = read_u64(self.bytes, self.pos.wrapping_mul(SLOT_LEN));
            if slot == 0 {
                self.left = 0;
                return None;
            }
            self.left = self.left.wrapping_sub(1);
            self.pos = self.pos.wrapping_add(1) & self.mask;
            if slot & !(OCCUPIED - 1) == self.want {
                let start = self.text_at.wrapping_add(slot as u32 as usize);
                let len = (slot >> 32) as u16 as usize;
                return Some(self.bytes.get(start..start.wrapping_add(len)).unwrap_or(&[]));
            }
        }
        None
    }
}

/// Writes a table into a policy's byte region while the policy is built.
pub(crate) struct TableWriter<'s> {
    layout: TableLayout,
    bytes: &'s mut [u8],
    /// Text bytes written so far.
    text_len: usize,
}

impl<'s> TableWriter<'s> {
    /// A writer for `origin_count` entries with `text_len` bytes of text, or `None` when `bytes` is too small.
    pub(crate) fn new(bytes: &'s mut [u8], origin_count: usize, text_len: usize) -> Option<Self> {
        let needed = table_len(origin_count, text_len);
        let bytes = bytes.get_mut(..needed)?;
        let slots = slot_count(origin_count);
        let text_at = slots.checked_mul(SLOT_LEN)?;
        // Only the slots need zeros (an empty slot is 0); every text byte is written before it is read.
        bytes.get_mut(..text_at)?.fill(0);
        Some(TableWriter { layout: TableLayout { mask: slots.wrapping_sub(1), text_at }, bytes, text_len: 0 })
    }

    pub(crate) const fn layout(&self) -> TableLayout {
        self.layout
    }

    /// Appends an entry's text and indexes it under `hash` and `kind`, unless an entry of that kind already
    /// has this text; returns where the text is in the table's bytes. One walk of the probe sequence does
    /// both: a duplicate would sit before its first free slot, which is where the entry goes.
    pub(crate) fn push_unique(&mut self, text: &[u8], hash: u64, kind: EntryKind) -> Result<u32, PushError> {
        let want = key_bits(hash, kind);
        let mask = self.layout.mask;
        let mut pos = (hash as usize) & mask;
        let mut free = None;
        for _ in 0..=mask {
            let at = pos.wrapping_mul(SLOT_LEN);
            let slot = read_u64(self.bytes, at);
            if slot == 0 {
                free = Some(at);
                break;
            }
            if slot & !(OCCUPIED - 1) == want {
                let start = self.layout.text_at.wrapping_add(slot as u32 as usize);
                let len = (slot >> 32) as u16 as usize;
                if self.bytes.get(start..start.wrapping_add(len)) == Some(text) {
                    return Err(PushError::Duplicate);
                }
            }
            pos = pos.wrapping_add(1) & mask;
        }
        let (span, text_start) = self.span(text).ok_or(PushError::Full)?;
        let at = free.ok_or(PushError::Full)?;
        write(self.bytes, at, &(want | span).to_le_bytes());
        self.write_text(text, text_start)
    }

    /// Appends an entry's text without indexing it; returns where it is in the table's bytes, or `None` when
    /// it does not fit.
    pub(crate) fn push(&mut self, text: &[u8]) -> Option<u32> {
        let (_, text_start) = self.span(text)?;
        self.write_text(text, text_start).ok()
    }

    /// The span the next text takes (as a slot holds it) and where it starts in the bytes, or `None` when it
    /// does not fit.
    fn span(&self, text: &[u8]) -> Option<(u64, usize)> {
        let start = self.text_len;
        let text_start = self.layout.text_at.checked_add(start)?;
        if text_start.checked_add(text.len())? > self.bytes.len() {
            return None;
        }
        let span = u64::from(u32::try_from(start).ok()?) | (u64::from(u16::try_from(text.len()).ok()?) << 32);
        Some((span, text_start))
    }

    fn write_text(&mut self, text: &[u8], text_start: usize) -> Result<u32, PushError> {
        write(self.bytes, text_start, text);
        self.text_len = self.text_len.wrapping_add(text.len());
        u32::try_from(text_start).map_err(|_| PushError::Full)
    }
}

/// Why [`TableWriter::push_unique`] wrote nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PushError {
    /// An entry of the same kind has the same text.
    Duplicate,
    /// The table's bytes cannot hold it.
    Full,
}

#[cfg(test)]
mod tests {
    use crate::{FixedPolicy, Origin, OriginPattern, PolicyConfig, Request};

    #[test]
    fn the_index_agrees_with_each_pattern() {
        // Policies of subdomain patterns (named, default and any port), a host pattern and an exact origin,
        // against origins that match, miss by a label, a byte class, an empty label, the port or the scheme:
        // the index's answer (one probe per suffix length, the DNS check once per suffix) is the answer of
        // trying every entry's own matcher.
        let policies: [&[&str]; 4] = [
            &["https://*.example.net", "https://app.example.com"],
            &["https://*.example.net:8443", "http://*.a.localhost:*", "http://localhost:*"],
            &["https://*.b.example.net", "https://*.example.net", "wss://*.example.net", "https://*.net.example.org"],
            &["https://*.app.localhost:*", "https://*.very-long-tenant-name-for-the-test.example.com"],
        ];
        let hosts = [
            "eu.api.example.net",
            "a.example.net",
            "example.net",
            "xexample.net",
            "a..example.net",
            ".a.example.net",
            "a!b.example.net",
            "a_b-c.example.net",
            "abcdefgh.example.net",
            "abcdefg.b.example.net",
            "x.b.example.net",
            "q.a.localhost",
            "localhost",
            "z.app.localhost",
            "eu.net.example.org",
            "a.very-long-tenant-name-for-the-test.example.com",
            "a$.very-long-tenant-name-for-the-test.example.com",
            "app.example.com",
        ];
        let (mut checked, mut allowed) = (0, 0);
        for entries in policies {
            let policy = FixedPolicy::<4096>::build(&PolicyConfig::new(entries)).unwrap();
            let patterns: Vec<OriginPattern<'_>> =
                entries.iter().map(|e| OriginPattern::parse(e.as_bytes()).unwrap()).collect();
            for scheme in ["https", "http", "wss"] {
                for host in hosts {
                    for port in ["", ":8443", ":80", ":443"] {
                        let text = format!("{scheme}://{host}{port}");
                        let Ok(origin) = Origin::parse(text.as_bytes()) else { continue };
                        let want = patterns.iter().any(|p| p.matches(&origin));
                        let request = Request { method: b"GET", origin: &[text.as_bytes()], ..Request::default() };
                        assert_eq!(policy.decide(&request).is_allowed(), want, "{entries:?} {text}");
                        checked += 1;
                        allowed += usize::from(want);
                    }
                }
            }
        }
        assert!(checked > 500 && allowed > 20, "{checked} checked, {allowed} allowed");
    }
}
