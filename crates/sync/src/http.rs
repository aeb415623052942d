//! One request to the registry, retried with backoff and full jitter. The
//! client follows no redirect, reads an answer in chunks and stops past a
//! size limit, and refuses an answer whose `Date` is too far from this
//! computer's clock: each is a final stop, before anything is stored.

use std::time::Duration;

use chrono::{DateTime, Utc};
use hotich_core::{labels, ErrorCode, Lang};
use rand::Rng;
use reqwest::{Method, StatusCode};
use tokio::time::Instant;

use crate::{RetryPolicy, SyncOptions, SyncProgress};

/// A complete answer: the body was read to its end.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub body: Vec<u8>,
    /// Where a redirect pointed (never followed).
    pub location: Option<String>,
}

/// Why a request did not get a final answer.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Stop {
    #[error("máy chủ không trả lời sau {tries} lần thử: {last}")]
    GaveUp { tries: u32, last: String },
    #[error("hết thời gian cho phép của lần đồng bộ")]
    Deadline,
    /// The answer's `Date` is further from this computer's clock than allowed.
    #[error("{}", worded(ErrorCode::ClockSkew, self.params()))]
    ClockSkew {
        server_time: DateTime<Utc>,
        skew: chrono::TimeDelta,
    },
    /// The answer is longer than `limit` bytes; it was not read further.
    #[error("{}", worded(ErrorCode::ResponseTooLarge, self.params()))]
    TooLarge { limit: usize },
}

impl Stop {
    pub fn code(&self) -> ErrorCode {
        match self {
            Stop::GaveUp { .. } => ErrorCode::Network,
            Stop::Deadline => ErrorCode::Deadline,
            Stop::ClockSkew { .. } => ErrorCode::ClockSkew,
            Stop::TooLarge { .. } => ErrorCode::ResponseTooLarge,
        }
    }

    fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            Stop::ClockSkew { server_time, skew } => vec![
                // To the nearest minute: `Date` has whole seconds.
                (
                    "minutes",
                    ((skew.num_seconds().abs() + 30) / 60).to_string(),
                ),
                (
                    "server_time",
                    server_time
                        .with_timezone(&hotich_common::time::office_offset())
                        .format("%Y-%m-%d %H:%M")
                        .to_string(),
                ),
            ],
            Stop::TooLarge { limit } => vec![("limit", (limit / (1024 * 1024)).to_string())],
            Stop::GaveUp { .. } | Stop::Deadline => Vec::new(),
        }
    }
}

/// The Vietnamese words of `code` with `params` (what the run's report keeps).
pub(crate) fn worded(code: ErrorCode, params: Vec<(&'static str, String)>) -> String {
    let params = params
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect();
    labels::fill(labels::error_template(Lang::Vi, code), &params)
}

/// The registry's clock, from an answer's `Date` (IMF-fixdate).
fn server_time(headers: &reqwest::header::HeaderMap) -> Option<DateTime<Utc>> {
    let text = headers.get(reqwest::header::DATE)?.to_str().ok()?;
    DateTime::parse_from_rfc2822(text.trim())
        .ok()
        .map(|at| at.with_timezone(&Utc))
}

/// Refuses an answer dated further than `allowed` from `now`: a wrong
/// clock here would misdate what the run stores and pushes.
fn check_clock(
    headers: &reqwest::header::HeaderMap,
    now: DateTime<Utc>,
    allowed: Duration,
) -> Result<(), Stop> {
    let Some(server_time) = server_time(headers) else {
        return Ok(());
    };
    let skew = server_time - now;
    let allowed = chrono::TimeDelta::from_std(allowed).unwrap_or(chrono::TimeDelta::MAX);
    if skew.abs() > allowed {
        return Err(Stop::ClockSkew { server_time, skew });
    }
    Ok(())
}

/// Reads the body in chunks, stopping past `limit` bytes. `Ok(Err(_))`: the
/// connection broke (worth another try); `Err`: the answer is too large.
pub(crate) async fn read_capped(
    response: &mut reqwest::Response,
    limit: usize,
) -> Result<Result<Vec<u8>, reqwest::Error>, Stop> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(Stop::TooLarge { limit });
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > limit {
                    return Err(Stop::TooLarge { limit });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(Ok(body)),
            Err(e) => return Ok(Err(e)),
        }
    }
}

/// Answers worth another try: the server is busy or broken for now.
fn retryable(status: StatusCode) -> bool {
    status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
}

/// The wait before try `attempt` (0-based): uniform in
/// [0, min(max_delay, base * 2^attempt)], never less than Retry-After.
pub(crate) fn backoff(
    policy: &RetryPolicy,
    attempt: u32,
    retry_after: Option<Duration>,
    rng: &mut impl Rng,
) -> Duration {
    let ceiling = policy
        .base
        .saturating_mul(2u32.saturating_pow(attempt.min(20)))
        .min(policy.max_delay);
    let jitter = Duration::from_secs_f64(rng.gen::<f64>() * ceiling.as_secs_f64());
    match retry_after {
        Some(asked) => asked.min(policy.max_retry_after).max(jitter),
        None => jitter,
    }
}

fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

pub(crate) struct Client {
    http: reqwest::Client,
    options: SyncOptions,
    deadline: Instant,
    pub retries: u32,
}

/// The HTTP client of a run: no redirects (a registry that moved is
/// configured anew, and a redirect must not carry the token elsewhere),
/// `https://` only for an https registry, and the extra CA certificates
/// (PEM) trusted beside the system's.
pub(crate) fn http_client(
    options: &SyncOptions,
    extra_ca_pem: Option<&str>,
) -> Result<reqwest::Client, reqwest::Error> {
    let mut builder = reqwest::Client::builder()
        .timeout(options.request_timeout)
        .connect_timeout(options.request_timeout.min(Duration::from_secs(10)))
        .redirect(reqwest::redirect::Policy::none())
        .https_only(options.server.is_https())
        .user_agent(concat!("hotich-sync/", env!("CARGO_PKG_VERSION")));
    if let Some(pem) = extra_ca_pem {
        builder = builder.tls_certs_merge(reqwest::Certificate::from_pem_bundle(pem.as_bytes())?);
    }
    builder.build()
}

impl Client {
    pub fn new(http: reqwest::Client, options: &SyncOptions) -> Client {
        Client {
            http,
            options: options.clone(),
            deadline: Instant::now() + options.run_deadline,
            retries: 0,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.options.server)
    }

    /// Sends until a final answer (2xx or a 4xx other than 408/429), retrying
    /// the others within the policy and the run's deadline.
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        progress: &mut (dyn FnMut(&SyncProgress) + Send),
    ) -> Result<Answer, Stop> {
        let url = self.url(path);
        let mut attempt = 0;
        loop {
            if Instant::now() >= self.deadline {
                return Err(Stop::Deadline);
            }
            let mut request = self
                .http
                .request(method.clone(), &url)
                .bearer_auth(&self.options.token);
            if let Some(body) = &body {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            let (reason, asked) = match request.send().await {
                Ok(mut response) => {
                    let status = response.status();
                    let asked = retry_after(response.headers());
                    let location = response
                        .headers()
                        .get(reqwest::header::LOCATION)
                        .and_then(|l| l.to_str().ok())
                        .map(str::to_owned);
                    check_clock(response.headers(), Utc::now(), self.options.max_clock_skew)?;
                    // The whole body or nothing: a cut connection is a network error.
                    match read_capped(&mut response, self.options.max_response_bytes).await? {
                        Ok(body) if !retryable(status) => {
                            return Ok(Answer {
                                status,
                                body,
                                location,
                            })
                        }
                        Ok(_) => (format!("HTTP {status}"), asked),
                        Err(e) => (format!("HTTP {status}, body cut: {e}"), None),
                    }
                }
                Err(e) => (format!("network: {e}"), None),
            };
            attempt += 1;
            if attempt >= self.options.retry.max_tries {
                return Err(Stop::GaveUp {
                    tries: attempt,
                    last: reason,
                });
            }
            // ThreadRng is not Send: taken and dropped before the await.
            let wait = backoff(
                &self.options.retry,
                attempt - 1,
                asked,
                &mut rand::thread_rng(),
            );
            let left = self.deadline.saturating_duration_since(Instant::now());
            if wait >= left {
                return Err(Stop::Deadline);
            }
            self.retries += 1;
            progress(&SyncProgress::Retrying {
                after: wait,
                reason,
            });
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    /// A policy with `base` and `max_delay` in ms; Retry-After capped at 5 s.
    fn policy(max_tries: u32, base_ms: u64, max_delay_ms: u64) -> RetryPolicy {
        RetryPolicy {
            max_tries,
            base: Duration::from_millis(base_ms),
            max_delay: Duration::from_millis(max_delay_ms),
            max_retry_after: Duration::from_secs(5),
        }
    }

    fn dated(text: &str) -> reqwest::header::HeaderMap {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(reqwest::header::DATE, text.parse().unwrap());
        headers
    }

    #[test]
    fn an_answer_dated_more_than_ten_minutes_off_stops_the_run() {
        let now: DateTime<Utc> = "2026-11-21T03:00:00Z".parse().unwrap();
        let ten = Duration::from_secs(600);
        for ok in [
            "Sat, 21 Nov 2026 03:00:00 GMT",
            "Sat, 21 Nov 2026 03:10:00 GMT",
            "Sat, 21 Nov 2026 02:50:00 GMT",
        ] {
            assert!(check_clock(&dated(ok), now, ten).is_ok(), "{ok}");
        }
        // No Date, or one that does not parse: nothing to compare.
        assert!(check_clock(&reqwest::header::HeaderMap::new(), now, ten).is_ok());
        assert!(check_clock(&dated("yesterday"), now, ten).is_ok());
        let stop = check_clock(&dated("Sat, 21 Nov 2026 02:49:00 GMT"), now, ten).unwrap_err();
        assert_eq!(stop.code(), ErrorCode::ClockSkew);
        assert_eq!(
            stop.to_string(),
            "đồng hồ của máy này lệch 11 phút so với máy chủ (giờ máy chủ: 2026-11-21 09:49); \
             không đồng bộ khi lệch quá 10 phút: hãy chỉnh ngày giờ của máy rồi đồng bộ lại"
        );
        assert!(check_clock(&dated("Sat, 21 Nov 2026 03:10:01 GMT"), now, ten).is_err());
    }

    #[test]
    fn backoff_is_full_jitter_under_a_growing_ceiling() {
        let policy = policy(10, 100, 2_000);
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for attempt in 0..8 {
            let ceiling = (100u64 << attempt).min(2_000);
            let waits: Vec<Duration> = (0..200)
                .map(|_| backoff(&policy, attempt, None, &mut rng))
                .collect();
            assert!(waits.iter().all(|w| *w <= Duration::from_millis(ceiling)));
            // Full jitter: spread over the whole range, not bunched at the top.
            assert!(waits
                .iter()
                .any(|w| *w < Duration::from_millis(ceiling / 4)));
            assert!(waits
                .iter()
                .any(|w| *w > Duration::from_millis(ceiling * 3 / 4)));
        }
    }

    #[test]
    fn retry_after_is_honoured_up_to_its_cap() {
        let policy = policy(3, 10, 20);
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        assert_eq!(
            backoff(&policy, 0, Some(Duration::from_secs(2)), &mut rng),
            Duration::from_secs(2)
        );
        assert_eq!(
            backoff(&policy, 0, Some(Duration::from_secs(600)), &mut rng),
            Duration::from_secs(5)
        );
    }

    #[test]
    fn only_busy_or_broken_answers_are_retried() {
        for code in [500, 502, 503, 429, 408] {
            assert!(retryable(StatusCode::from_u16(code).unwrap()), "{code}");
        }
        for code in [200, 201, 400, 401, 403, 404, 409, 413, 422] {
            assert!(!retryable(StatusCode::from_u16(code).unwrap()), "{code}");
        }
    }
}
