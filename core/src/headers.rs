//! The response side of a decision: the header names corsguard emits, the [`ResponseHeaders`] container
//! (a fixed set of slots, values borrowed from the policy or the request), iteration in emission order, and
//! rendering as `Name: value\r\n` lines.

use crate::bytes::trim_ows;

/// Header names corsguard emits, spelled as the Fetch standard spells them.
pub mod names {
    /// `Access-Control-Allow-Origin`
    pub const ALLOW_ORIGIN: &str = "Access-Control-Allow-Origin";
    /// `Access-Control-Allow-Credentials`
    pub const ALLOW_CREDENTIALS: &str = "Access-Control-Allow-Credentials";
    /// `Access-Control-Allow-Methods`
    pub const ALLOW_METHODS: &str = "Access-Control-Allow-Methods";
    /// `Access-Control-Allow-Headers`
    pub const ALLOW_HEADERS: &str = "Access-Control-Allow-Headers";
    /// `Access-Control-Max-Age`
    pub const MAX_AGE: &str = "Access-Control-Max-Age";
    /// `Access-Control-Allow-Private-Network`
    pub const ALLOW_PRIVATE_NETWORK: &str = "Access-Control-Allow-Private-Network";
    /// `Access-Control-Expose-Headers`
    pub const EXPOSE_HEADERS: &str = "Access-Control-Expose-Headers";
    /// `Vary`
    pub const VARY: &str = "Vary";

    /// Every name above, in the order a decision emits them.
    pub const IN_ORDER: [&str; 8] = [
        ALLOW_ORIGIN,
        ALLOW_CREDENTIALS,
        ALLOW_METHODS,
        ALLOW_HEADERS,
        MAX_AGE,
        ALLOW_PRIVATE_NETWORK,
        EXPOSE_HEADERS,
        VARY,
    ];
}

/// The most `Access-Control-Request-Headers` lines echoed back (only under credentials with any header
/// allowed); a request with more non-empty lines is denied with [`DenyReason::HeadersTooMany`].
pub const MAX_ECHOED_HEADER_LINES: usize = 8;

/// The most headers one decision can carry.
pub const MAX_RESPONSE_HEADERS: usize = 7 + MAX_ECHOED_HEADER_LINES;

pub(crate) const VARY_ACTUAL: &[u8] = b"Origin";
pub(crate) const VARY_PREFLIGHT: &[u8] = b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
pub(crate) const VARY_PREFLIGHT_PNA: &[u8] =
    b"Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network";

/// One response header: a static name and a value borrowed from the policy or the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header<'a> {
    /// The header name.
    pub name: &'static str,
    /// The header value: visible ASCII, spaces and tabs only.
    pub value: &'a [u8],
}

/// The response headers of a decision, in a fixed order: ACAO, ACAC, ACAM, ACAH, ACMA, ACAPN, ACEH, Vary.
#[derive(Clone, Copy)]
pub struct ResponseHeaders<'a> {
    /// Each header's value by slot (its place in the order); a slot is sent only when its bit of `present`
    /// is set (an unsent slot may hold anything, so equality compares the headers sent).
    pub(crate) values: [&'a [u8]; SLOTS],
    pub(crate) present: u8,
    /// Under credentials with any header allowed: the request's own lines, echoed as one
    /// `Access-Control-Allow-Headers` per non-empty line (that slot's value is then unused).
    pub(crate) echo: &'a [&'a [u8]],
}

const SLOTS: usize = 8;
const SLOT_NAMES: [&str; SLOTS] = names::IN_ORDER;
pub(crate) const BIT_ALLOW_ORIGIN: u8 = 1 << 0;
pub(crate) const BIT_ALLOW_CREDENTIALS: u8 = 1 << 1;
pub(crate) const BIT_ALLOW_METHODS: u8 = 1 << 2;
pub(crate) const BIT_ALLOW_HEADERS: u8 = 1 << 3;
pub(crate) const BIT_MAX_AGE: u8 = 1 << 4;
pub(crate) const BIT_ALLOW_PRIVATE_NETWORK: u8 = 1 << 5;
pub(crate) const BIT_EXPOSE_HEADERS: u8 = 1 << 6;
pub(crate) const BIT_VARY: u8 = 1 << 7;
const SLOT_ALLOW_HEADERS: usize = 3;
pub(crate) const TRUE: &[u8] = b"true";
pub(crate) const NONE: &[u8] = b"";

impl PartialEq for ResponseHeaders<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for ResponseHeaders<'_> {}

impl core::fmt::Debug for ResponseHeaders<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The buffer given to [`ResponseHeaders::write_to`] is too small; `needed` bytes would fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BufferTooSmall {
    /// The number of bytes the rendered headers need.
    pub needed: usize,
}

impl core::fmt::Display for BufferTooSmall {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "the header buffer is too small: {} bytes are needed", self.needed)
    }
}

impl core::error::Error for BufferTooSmall {}

impl<'a> ResponseHeaders<'a> {
    pub(crate) const fn vary_only(vary: &'static [u8]) -> Self {
        ResponseHeaders { values: [NONE, NONE, NONE, NONE, NONE, NONE, NONE, vary], present: BIT_VARY, echo: &[] }
    }

    /// The headers in emission order.
    pub fn iter(&self) -> HeaderIter<'_, 'a> {
        HeaderIter { headers: self, remaining: self.present, echo_pos: 0 }
    }

    /// How many headers there are: one per slot sent, except that echoed request lines take the place of
    /// `Access-Control-Allow-Headers` with one header per non-empty line. Counted without walking them.
    pub fn len(&self) -> usize {
        let slots = self.present.count_ones() as usize;
        if self.echo.is_empty() || self.present & BIT_ALLOW_HEADERS == 0 {
            return slots;
        }
        let echoed = self.echo.iter().filter(|line| !trim_ows(line).is_empty()).count();
        slots.wrapping_sub(1).wrapping_add(echoed)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// The first value of the header called `name` (ASCII case-insensitive), if present.
    pub fn get(&self, name: &str) -> Option<&'a [u8]> {
        self.iter().find(|h| h.name.eq_ignore_ascii_case(name)).map(|h| h.value)
    }

    /// The number of bytes [`write_to`](Self::write_to) writes.
    pub fn rendered_len(&self) -> usize {
        self.iter().fold(0usize, |n, h| n.saturating_add(h.name.len()).saturating_add(h.value.len()).saturating_add(4))
    }

    /// Renders every header as `Name: value\r\n` into `out` and returns the number of bytes written.
    /// On [`BufferTooSmall`] nothing useful is in `out`; retry with `needed` bytes.
    ///
    /// ```
    /// # use corsguard::{FixedPolicy, PolicyConfig, Request};
    /// # let policy = FixedPolicy::<64>::build(&PolicyConfig::new(&["https://a.example"])).unwrap();
    /// let decision = policy.decide(&Request { method: b"GET", origin: &[b"https://a.example"], ..Request::default() });
    /// let mut buf = [0u8; 256];
    /// let n = decision.headers().write_to(&mut buf).unwrap();
    /// assert_eq!(&buf[..n], b"Access-Control-Allow-Origin: https://a.example\r\nVary: Origin\r\n");
    /// ```
    pub fn write_to(&self, out: &mut [u8]) -> Result<usize, BufferTooSmall> {
        let needed = self.rendered_len();
        if needed > out.len() {
            return Err(BufferTooSmall { needed });
        }
        let mut at = 0usize;
        for h in self.iter() {
            for part in [h.name.as_bytes(), b": ", h.value, b"\r\n"] {
                let end = at.saturating_add(part.len());
                let Some(dst) = out.get_mut(at..end) else {
                    return Err(BufferTooSmall { needed });
                };
                // A zip, not `copy_from_slice`: the optimiser cannot prove the lengths equal (saturating
                // `end`), and the no-panic link test refuses the length-mismatch panic that would remain.
                for (d, s) in dst.iter_mut().zip(part) {
                    *d = *s;
                }
                at = end;
            }
        }
        Ok(at)
    }
}

impl<'h, 'a> IntoIterator for &'h ResponseHeaders<'a> {
    type Item = Header<'a>;
    type IntoIter = HeaderIter<'h, 'a>;

    fn into_iter(self) -> HeaderIter<'h, 'a> {
        self.iter()
    }
}

/// Iterator over a decision's headers, in emission order.
#[derive(Clone, Debug)]
pub struct HeaderIter<'h, 'a> {
    headers: &'h ResponseHeaders<'a>,
    /// The slots not yet visited that have a header: the next one is the lowest set bit.
    remaining: u8,
    echo_pos: usize,
}

impl<'a> Iterator for HeaderIter<'_, 'a> {
    type Item = Header<'a>;

    #[inline]
    fn next(&mut self) -> Option<Header<'a>> {
        let slot = self.remaining.trailing_zeros() as usize;
        let name = *SLOT_NAMES.get(slot)?;
        let lines = self.headers.echo;
        if slot == SLOT_ALLOW_HEADERS && !lines.is_empty() {
            // One header per non-empty line, so echoed values stay borrowed.
            let rest = lines.get(self.echo_pos..).unwrap_or(&[]);
            if let Some(offset) = rest.iter().position(|l| !trim_ows(l).is_empty()) {
                let at = self.echo_pos.wrapping_add(offset);
                self.echo_pos = at.wrapping_add(1);
                return Some(Header { name, value: trim_ows(lines.get(at).copied().unwrap_or(&[])) });
            }
            self.remaining &= !BIT_ALLOW_HEADERS;
            return self.next_plain();
        }
        self.remaining &= self.remaining.wrapping_sub(1);
        Some(Header { name, value: self.headers.values.get(slot).copied().unwrap_or(&[]) })
    }
}

impl<'a> HeaderIter<'_, 'a> {
    /// The next header past the echoed lines (which come from the one slot that can hold several).
    #[inline]
    fn next_plain(&mut self) -> Option<Header<'a>> {
        let slot = self.remaining.trailing_zeros() as usize;
        let name = *SLOT_NAMES.get(slot)?;
        self.remaining &= self.remaining.wrapping_sub(1);
        Some(Header { name, value: self.headers.values.get(slot).copied().unwrap_or(&[]) })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn len_counts_what_iter_yields() {
        use super::*;
        let echo: [&[u8]; 4] = [b"x-a", b"  ", b"x-b, x-c", b""];
        for present in 0..=u8::MAX {
            for lines in [&echo[..0], &echo[..1], &echo[1..2], &echo[..], &echo[3..]] {
                let headers = ResponseHeaders { values: [b"v"; SLOTS], present, echo: lines };
                assert_eq!(headers.len(), headers.iter().count(), "present {present:#010b}, echo {lines:?}");
            }
        }
    }

    #[test]
    fn headers_compare_by_what_is_sent() {
        use crate::{FixedPolicy, PolicyConfig, Request};
        let config = PolicyConfig { credentials: false, ..PolicyConfig::new(&["https://a.example"]) };
        let policy = FixedPolicy::<64>::build(&config).unwrap();
        let request = Request { method: b"GET", origin: &[b"https://a.example"], ..Request::default() };
        let decided = policy.decide(&request);
        let mut other = *decided.headers();
        // An unsent slot (credentials are off) holding something else does not make the headers differ.
        other.values[1] = b"something else";
        assert_eq!(decided.headers(), &other);
        other.values[0] = b"https://b.example";
        assert_ne!(decided.headers(), &other);
    }
}
