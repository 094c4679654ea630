//! Zoom: `x-zm-signature: v0=<hex>` over `v0:<ts>:body` with `x-zm-request-timestamp`,
//! the same layout as Slack's. SIGNATURES.md §11. Zoom documents no tolerance; 300 s
//! both ways is what its samples use. Also the `endpoint.url_validation` answer.

use super::hmac::Alg;
use super::slack::V0;
use super::{KeyKind, SchemeMeta, Tolerance};
use crate::core::ids::hex_lower;

pub fn zoom() -> V0 {
    V0 {
        meta: SchemeMeta {
            name: "zoom",
            provider: "zoom",
            title: "Zoom: x-zm-signature v0=…, HMAC-SHA256 of `v0:ts:body`",
            signature_header: "x-zm-signature",
            tolerance: Some(Tolerance {
                secs: 300,
                past_only: false,
            }),
            key: KeyKind::Utf8,
            needs_url: false,
        },
        sig_header: "x-zm-signature",
        ts_header: "x-zm-request-timestamp",
        secret_len: 11,
    }
}

/// The `encryptedToken` of Zoom's URL validation: hex HMAC-SHA256 of `plainToken`.
pub fn url_validation_token(secret: &[u8], plain_token: &str) -> String {
    hex_lower(
        &Alg::Sha256
            .compute(secret, &[plain_token.as_bytes()], None)
            .expect("in-memory HMAC cannot fail"),
    )
}
