//! Trove's accept loop: HTTP/1.1 connections served by hyper with Trove's
//! connection time-outs ([`crate::conn`]) and a cap on open connections.
//!
//! - At most `max_connections` connections are served. When a connection arrives
//!   and all slots are taken, the loop stops accepting (further connections wait
//!   in the kernel's backlog; none is refused), and every open connection that is
//!   not handling a request and has nothing to read is closed to make room: idle
//!   keep-alive connections and silent or half-sent requests give way to clients
//!   that send a request. The waiting connection is served once a slot frees.
//! - Every accepted stream sends at once (`TCP_NODELAY`): responses go out as
//!   several writes, and with Nagle's algorithm a small one waits for the client's
//!   delayed ACK, up to 40 ms per response on a kept-alive connection.
//! - Shutdown stops accepting, closes every connection that is not handling a
//!   request at once, and lets the others finish their response; the caller bounds
//!   that by `shutdown_timeout` and drops what remains.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;
use trove_http::body::TimedBody;

use crate::conn::{ConnState, ResponseBody, TimedIo, Timeouts, header_timeout_response};

/// Descriptors kept free for everything but client connections: the database
/// pools, blob files being read or written, the listener, logs.
pub const RESERVED_FDS: u64 = 128;

/// How the server treats connections.
#[derive(Debug, Clone)]
pub struct Limits {
    pub timeouts: Timeouts,
    /// Open connections at most (after [`fit_fd_limit`]).
    pub max_connections: usize,
}

/// Serves `router` on `listener` until `shutdown` turns true, then closes idle
/// connections and waits for the others to finish (the caller bounds the wait).
pub async fn serve(listener: TcpListener, router: Router, limits: Limits, mut shutdown: watch::Receiver<bool>) {
    let timeouts = Arc::new(limits.timeouts);
    let timeout_response = header_timeout_response(timeouts.header_read);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    // Bumped when a connection waits for a slot: every connection not handling a
    // request closes. Each connection subscribes before it is spawned, so none
    // misses a bump.
    let (pressure, _) = watch::channel(0u64);
    let mut http = http1::Builder::new();
    // Trove's own clocks (`conn`) time the reads; hyper's would close silently.
    http.header_read_timeout(None);
    let http = Arc::new(http);
    let mut conns = JoinSet::new();
    loop {
        let stream = tokio::select! {
            () = stopped(&mut shutdown) => break,
            r = listener.accept() => match r {
                Ok((stream, _)) => stream,
                Err(e) => {
                    accept_failed(&e).await;
                    continue;
                }
            },
        };
        let slot = match slots.clone().try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => {
                tracing::debug!(max = limits.max_connections, "all connection slots taken; closing idle connections");
                pressure.send_modify(|n| *n += 1);
                tokio::select! {
                    () = stopped(&mut shutdown) => break,
                    slot = slots.clone().acquire_owned() => match slot {
                        Ok(slot) => slot,
                        Err(_) => break,
                    },
                }
            }
        };
        while conns.try_join_next().is_some() {}
        let conn = Conn {
            http: http.clone(),
            router: router.clone(),
            timeouts: timeouts.clone(),
            timeout_response: timeout_response.clone(),
            pressure: pressure.subscribe(),
            shutdown: shutdown.clone(),
        };
        conns.spawn(conn.run(stream, slot));
    }
    drop(listener);
    while conns.join_next().await.is_some() {}
}

/// Resolves once `shutdown` turns true (holding no borrow of it afterwards).
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|s| *s).await;
}

/// Backs off after an accept error that is not about one connection (out of
/// descriptors or memory), so the loop does not spin.
async fn accept_failed(e: &std::io::Error) {
    use std::io::ErrorKind as K;
    if matches!(e.kind(), K::ConnectionAborted | K::ConnectionReset | K::ConnectionRefused | K::Interrupted) {
        return;
    }
    tracing::warn!(error = %e, "accepting a connection failed; retrying in 100 ms");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

/// What one connection needs.
struct Conn {
    http: Arc<http1::Builder>,
    router: Router,
    timeouts: Arc<Timeouts>,
    timeout_response: Arc<[u8]>,
    pressure: watch::Receiver<u64>,
    shutdown: watch::Receiver<bool>,
}

impl Conn {
    async fn run(mut self, stream: TcpStream, _slot: OwnedSemaphorePermit) {
        if let Err(e) = stream.set_nodelay(true) {
            tracing::warn!(error = %e, "could not set TCP_NODELAY on a connection");
        }
        let peer = stream.peer_addr().ok();
        let state = Arc::new(ConnState::default());
        let io = TokioIo::new(TimedIo::new(stream, state.clone(), self.timeouts.clone(), self.timeout_response));
        let body_timeout = self.timeouts.body_read;
        let router = self.router;
        let svc_state = state.clone();
        let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            svc_state.begin();
            let mut req = req.map(|b| Body::new(TimedBody::new(b, body_timeout)));
            // Handlers that limit per client (login) read the address from here.
            if let Some(addr) = peer {
                req.extensions_mut().insert(axum::extract::ConnectInfo(addr));
            }
            let state = svc_state.clone();
            let answer = router.clone().oneshot(req);
            async move {
                let resp = answer.await.unwrap_or_else(|never: Infallible| match never {});
                Ok::<_, Infallible>(resp.map(|b| ResponseBody::new(b, state)))
            }
        });
        let conn = self.http.serve_connection(io, service);
        tokio::pin!(conn);
        let (mut pressured, mut told) = (false, false);
        // Polling `conn` again after a signal lets the socket see the flag: a
        // connection not handling a request closes now, a busy one after its response.
        loop {
            tokio::select! {
                r = conn.as_mut() => {
                    if let Err(e) = r {
                        tracing::debug!(error = %e, "connection ended with an error");
                    }
                    return;
                }
                changed = self.pressure.changed(), if !pressured => {
                    pressured = changed.is_err();
                    state.close_when_idle();
                }
                () = stopped(&mut self.shutdown), if !told => {
                    told = true;
                    state.close_when_idle();
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// Raises the soft limit on open descriptors toward the hard limit, and lowers
/// `max_connections` when even that cannot hold them besides [`RESERVED_FDS`]: past
/// the limit, accepting would fail and files could not be opened to deliver.
/// Returns the connection cap in effect.
pub fn fit_fd_limit(max_connections: usize) -> usize {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let wanted = max_connections as u64 + RESERVED_FDS;
    let mut soft = limit.current.unwrap_or(u64::MAX);
    if soft < wanted {
        // The kernel refuses more than fs.nr_open (2^20 by default) even when the
        // hard limit is unlimited.
        let target = limit.maximum.unwrap_or(1 << 20).min(wanted.max(soft));
        if setrlimit(Resource::Nofile, Rlimit { current: Some(target), maximum: limit.maximum }).is_ok() {
            soft = target;
        }
    }
    if soft >= wanted {
        return max_connections;
    }
    let fitted = soft.saturating_sub(RESERVED_FDS).max(1) as usize;
    tracing::warn!(
        max_connections,
        fd_limit = soft,
        connections = fitted,
        "the open-file limit cannot hold max_connections; serving at most {fitted} connections \
         (raise the hard limit, e.g. LimitNOFILE= or ulimit -n, or lower max_connections)"
    );
    fitted
}
