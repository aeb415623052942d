//! `GET /verify`: the static verification page (ui/verify.html, one file
//! built into `ui/dist-verify`, embedded by build.rs). It checks a paper's
//! signed QR in the browser and asks this registry for the trust
//! (`/v1/paper-trust`) and the copy's status (`/v1/papers/{serial}`).

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

const PAGE: &str = include_str!(concat!(env!("OUT_DIR"), "/verify.html"));

pub async fn verify_page() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            // The page runs only its own inlined script; it may ask this
            // registry, and read images the checker gives it.
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; \
                     connect-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:",
                ),
            ),
        ],
        PAGE,
    )
        .into_response()
}
