//! Test-only fault injection (cargo feature `faults`, `serve --faults RATE
//! --fault-seed N`): on this share of workstation requests the server
//! answers 500, answers 429 (Retry-After: 1), waits 50-400 ms first, or cuts
//! the connection before or after doing the work. The sync suites use it to
//! prove that a workstation converges through failures. `serve
//! --clock-offset SECONDS` makes every answer's `Date` that far off, as a
//! registry (or a workstation) with a wrong clock would see it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::error::Failure;
use crate::state::App;

/// `--faults RATE --fault-seed N`.
#[derive(Debug, Clone, Copy)]
pub struct Faults {
    pub rate: f64,
    pub seed: u64,
}

/// The seeded draw of which requests fail and how.
#[derive(Debug)]
pub struct FaultSource {
    rate: f64,
    rng: Mutex<ChaCha8Rng>,
}

impl FaultSource {
    pub fn new(faults: Faults) -> FaultSource {
        FaultSource {
            rate: faults.rate,
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(faults.seed)),
        }
    }

    fn draw(&self) -> Option<Fault> {
        let mut rng = self
            .rng
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (rng.gen::<f64>() < self.rate).then(|| match rng.gen_range(0..5) {
            0 => Fault::ServerError,
            1 => Fault::TooMany,
            2 => Fault::Delay(rng.gen_range(50..400)),
            3 => Fault::CutBefore,
            _ => Fault::CutAfter,
        })
    }
}

#[derive(Debug, Clone, Copy)]
enum Fault {
    ServerError,
    TooMany,
    Delay(u64),
    CutBefore,
    CutAfter,
}

/// A 200 whose body breaks off: the client sees the connection drop.
fn cut_connection() -> Response {
    let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from_static(b"{\"events\":[")),
        Err(std::io::Error::other("fault injected: connection cut")),
    ];
    Response::new(Body::from_stream(futures_util::stream::iter(chunks)))
}

pub async fn inject_faults(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    match app.faults.as_ref().and_then(FaultSource::draw) {
        None => next.run(request).await,
        Some(Fault::ServerError) => Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "injected_fault",
            "fault injected by --faults",
        )
        .into_response(),
        Some(Fault::TooMany) => Failure::rate_limited(Duration::from_secs(1)).into_response(),
        Some(Fault::Delay(ms)) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(request).await
        }
        Some(Fault::CutBefore) => cut_connection(),
        Some(Fault::CutAfter) => {
            // The work is done and committed; only the answer is lost.
            let _ = next.run(request).await;
            cut_connection()
        }
    }
}

/// Sets each answer's `Date` to the server's clock plus `--clock-offset`.
pub async fn offset_date(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if let Some(offset) = app.clock_offset_seconds {
        let date = chrono::Utc::now() + chrono::TimeDelta::seconds(offset);
        // RFC 9110's IMF-fixdate, the form hyper writes itself.
        let text = date.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
        if let Ok(value) = HeaderValue::from_str(&text) {
            response.headers_mut().insert(header::DATE, value);
        }
    }
    response
}
