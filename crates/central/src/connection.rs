//! Connections a slow or silent client cannot hold (issue 19, item 3): each
//! accepted stream is closed once nothing was read from it, or nothing could
//! be written to it, for a while (`ServerConfig::idle_timeout`,
//! [`IDLE_TIMEOUT`] by default): a keep-alive connection left
//! open, headers or a body that stop coming, a client that stops reading its
//! answer. The TLS listener guards its streams alike (`tls.rs`); the
//! router bounds each request's time and the requests in progress.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio_io_timeout::TimeoutStream;

/// How long a connection may stay silent either way, by default.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// An accepted TCP stream that fails (and so is closed) after
/// [`IDLE_TIMEOUT`] without progress.
pub type GuardedStream = Pin<Box<TimeoutStream<TcpStream>>>;

pub fn guard(stream: TcpStream, idle: Duration) -> GuardedStream {
    let mut stream = TimeoutStream::new(stream);
    stream.set_read_timeout(Some(idle));
    stream.set_write_timeout(Some(idle));
    Box::pin(stream)
}

/// Plain HTTP's listener: each accepted stream guarded.
#[derive(Debug)]
pub struct GuardedListener {
    tcp: TcpListener,
    idle: Duration,
}

impl GuardedListener {
    pub fn new(tcp: TcpListener, idle: Duration) -> GuardedListener {
        GuardedListener { tcp, idle }
    }
}

impl axum::serve::Listener for GuardedListener {
    type Io = GuardedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.tcp.accept().await {
                Ok((stream, peer)) => return (guard(stream, self.idle), peer),
                Err(error) => {
                    // Out of file descriptors and the like: wait, go on.
                    tracing::warn!(%error, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}
