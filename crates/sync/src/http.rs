//! One request to the registry, retried with backoff and full jitter.

use std::time::Duration;

use rand::Rng;
use reqwest::{Method, StatusCode};
use tokio::time::Instant;

use crate::{RetryPolicy, SyncOptions, SyncProgress};

/// A complete answer: the body was read to its end.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub body: Vec<u8>,
}

/// Why a request did not get a final answer.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Stop {
    #[error("máy chủ không trả lời sau {tries} lần thử: {last}")]
    GaveUp { tries: u32, last: String },
    #[error("hết thời gian cho phép của lần đồng bộ")]
    Deadline,
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

impl Client {
    pub fn new(options: &SyncOptions) -> Result<Client, reqwest::Error> {
        let http = reqwest::Client::builder()
            .timeout(options.request_timeout)
            .connect_timeout(options.request_timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("hotich-sync/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Client {
            http,
            options: options.clone(),
            deadline: Instant::now() + options.run_deadline,
            retries: 0,
        })
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
                Ok(response) => {
                    let status = response.status();
                    let asked = retry_after(response.headers());
                    // The whole body or nothing: a cut connection is a network error.
                    match response.bytes().await {
                        Ok(body) if !retryable(status) => {
                            return Ok(Answer {
                                status,
                                body: body.to_vec(),
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

    #[test]
    fn backoff_is_full_jitter_under_a_growing_ceiling() {
        let policy = RetryPolicy {
            max_tries: 10,
            base: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
            max_retry_after: Duration::from_secs(5),
        };
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
        let policy = RetryPolicy {
            max_tries: 3,
            base: Duration::from_millis(10),
            max_delay: Duration::from_millis(20),
            max_retry_after: Duration::from_secs(5),
        };
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
