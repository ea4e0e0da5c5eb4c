//! One connection's clocks. [`TimedIo`] wraps the socket and closes it when the
//! client keeps it busy without making progress:
//!
//! - a new connection that sends nothing within `header_read_timeout`, or a kept-alive
//!   one idle for `keep_alive_timeout`, reads end-of-file: hyper closes it quietly;
//! - a request whose headers started but did not finish within `header_read_timeout`
//!   is answered `408 request_timeout` (written here, since hyper has no response
//!   for it) and closed;
//! - a write that makes no progress for `send_timeout` (a client that does not read
//!   its response) fails, and the connection is dropped;
//! - when the server shuts down or runs out of connection slots
//!   ([`ConnState::close_when_idle`]), a connection that is not handling a request
//!   and has nothing to read right now is closed the same way at once.
//!
//! The service marks the connection busy from the moment a request's headers are
//! complete until its response body is dropped ([`ConnState`], [`ResponseBody`]);
//! while busy, reads have no deadline here (the body's own clock is
//! `trove_http::body::TimedBody`).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Bytes, HttpBody};
use futures::task::AtomicWaker;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// The time-outs of every connection.
#[derive(Debug, Clone)]
pub struct Timeouts {
    pub header_read: Duration,
    pub body_read: Duration,
    pub send: Duration,
    pub keep_alive: Duration,
}

/// What the service tells the socket wrapper about its connection.
#[derive(Debug, Default)]
pub struct ConnState {
    /// A request is being handled or its response sent.
    busy: AtomicBool,
    /// The server is shutting down or out of connection slots: once not busy, the
    /// connection closes unless a request is already waiting to be read.
    closing: AtomicBool,
    /// The task reading the socket while a request is handled: hyper does not read
    /// again by itself after the response, so the end of one wakes it to start the
    /// idle clock.
    reader: AtomicWaker,
}

impl ConnState {
    /// Whether a request is being handled (shutdown lets it finish).
    pub fn is_busy(&self) -> bool {
        self.busy.load(Ordering::Acquire)
    }

    /// Marks the connection busy: the headers of a request are complete.
    pub fn begin(&self) {
        self.busy.store(true, Ordering::Release);
    }

    /// Asks the connection to close as soon as it is not handling a request.
    pub fn close_when_idle(&self) {
        self.closing.store(true, Ordering::Release);
    }
}

/// The response body, which marks the connection idle again when hyper is done
/// with it (sent to its end, or dropped because the connection failed).
pub struct ResponseBody<B> {
    inner: B,
    state: Arc<ConnState>,
}

impl<B> ResponseBody<B> {
    pub fn new(inner: B, state: Arc<ConnState>) -> Self {
        ResponseBody { inner, state }
    }
}

impl<B> Drop for ResponseBody<B> {
    fn drop(&mut self) {
        self.state.busy.store(false, Ordering::Release);
        self.state.reader.wake();
    }
}

impl<B: HttpBody<Data = Bytes> + Unpin> HttpBody for ResponseBody<B> {
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, B::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// Where the connection is, as seen from the socket.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    /// Waiting for the first byte of a request; `fresh` until the first request.
    Waiting { since: Instant, fresh: bool },
    /// Part of a request head has arrived.
    Head { since: Instant },
    /// A request is being handled: no read deadline here.
    Busy,
}

/// A socket with Trove's connection time-outs (see the module documentation).
pub struct TimedIo<T> {
    inner: T,
    state: Arc<ConnState>,
    timeouts: Arc<Timeouts>,
    /// The answer to a request whose headers did not arrive in time.
    timeout_response: Arc<[u8]>,
    phase: Phase,
    read_sleep: Option<Pin<Box<Sleep>>>,
    read_deadline: Option<Instant>,
    write_sleep: Option<Pin<Box<Sleep>>>,
    write_armed: bool,
}

impl<T> TimedIo<T> {
    pub fn new(inner: T, state: Arc<ConnState>, timeouts: Arc<Timeouts>, timeout_response: Arc<[u8]>) -> Self {
        TimedIo {
            inner,
            state,
            timeouts,
            timeout_response,
            phase: Phase::Waiting { since: Instant::now(), fresh: true },
            read_sleep: None,
            read_deadline: None,
            write_sleep: None,
            write_armed: false,
        }
    }
}

/// Waits on `sleep` for `deadline`, creating or moving the timer only when the
/// deadline changed; `true` when it has passed.
fn expired(
    sleep: &mut Option<Pin<Box<Sleep>>>,
    set: &mut Option<Instant>,
    deadline: Instant,
    cx: &mut Context,
) -> bool {
    match sleep {
        Some(s) if *set == Some(deadline) => s.as_mut().poll(cx).is_ready(),
        Some(s) => {
            s.as_mut().reset(deadline);
            *set = Some(deadline);
            s.as_mut().poll(cx).is_ready()
        }
        None => {
            let mut s = Box::pin(tokio::time::sleep_until(deadline));
            let done = s.as_mut().poll(cx).is_ready();
            *sleep = Some(s);
            *set = Some(deadline);
            done
        }
    }
}

impl<T: AsyncRead + AsyncWrite + Unpin> AsyncRead for TimedIo<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if this.state.is_busy() {
            this.phase = Phase::Busy;
        } else if this.phase == Phase::Busy {
            this.phase = Phase::Waiting { since: Instant::now(), fresh: false };
        }
        let before = buf.filled().len();
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        match &result {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before
                    && let Phase::Waiting { .. } = this.phase
                {
                    this.phase = Phase::Head { since: Instant::now() };
                }
                return result;
            }
            Poll::Ready(Err(_)) => return result,
            Poll::Pending => {}
        }
        let t = &this.timeouts;
        let deadline = match this.phase {
            Phase::Busy => {
                this.state.reader.register(cx.waker());
                return Poll::Pending;
            }
            Phase::Waiting { since, fresh: true } => since + t.header_read,
            Phase::Waiting { since, fresh: false } => since + t.keep_alive,
            Phase::Head { since } => since + t.header_read,
        };
        let closing = this.state.closing.load(Ordering::Acquire);
        if !closing && !expired(&mut this.read_sleep, &mut this.read_deadline, deadline, cx) {
            return Poll::Pending;
        }
        if let Phase::Head { .. } = this.phase {
            // Nothing else is being written: the 408 fits the empty send buffer, and
            // the connection closes right after it. A failed write changes nothing.
            let response = this.timeout_response.clone();
            let _ = Pin::new(&mut this.inner).poll_write(cx, &response);
            tracing::debug!(closing, "request headers incomplete: answered 408 and closed");
        }
        // End of file: hyper closes the connection.
        Poll::Ready(Ok(()))
    }
}

impl<T: AsyncRead + AsyncWrite + Unpin> TimedIo<T> {
    /// Passes a write through; when it has waited `send_timeout` without progress it
    /// fails, which ends the connection.
    fn timed_write<R>(
        &mut self,
        cx: &mut Context<'_>,
        op: impl FnOnce(Pin<&mut T>, &mut Context<'_>) -> Poll<io::Result<R>>,
    ) -> Poll<io::Result<R>> {
        match op(Pin::new(&mut self.inner), cx) {
            Poll::Ready(r) => {
                self.write_armed = false;
                Poll::Ready(r)
            }
            Poll::Pending => {
                if !self.write_armed {
                    let deadline = Instant::now() + self.timeouts.send;
                    match &mut self.write_sleep {
                        Some(s) => s.as_mut().reset(deadline),
                        None => self.write_sleep = Some(Box::pin(tokio::time::sleep_until(deadline))),
                    }
                    self.write_armed = true;
                }
                let expired = self.write_sleep.as_mut().is_some_and(|s| s.as_mut().poll(cx).is_ready());
                if expired {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "the client read nothing of the response within the send time-out",
                    )));
                }
                Poll::Pending
            }
        }
    }
}

impl<T: AsyncRead + AsyncWrite + Unpin> AsyncWrite for TimedIo<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.timed_write(cx, |io, cx| io.poll_write(cx, buf))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.timed_write(cx, |io, cx| io.poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.timed_write(cx, |io, cx| io.poll_flush(cx))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.timed_write(cx, |io, cx| io.poll_shutdown(cx))
    }
}

/// The raw `408` written when a request's headers do not arrive in time, in Trove's
/// JSON error shape.
pub fn header_timeout_response(timeout: Duration) -> Arc<[u8]> {
    let body = serde_json::json!({
        "error_code": "request_timeout",
        "error_message": format!(
            "the request headers did not arrive within {timeout:?}; the connection is closed"
        ),
        "errors": {},
    })
    .to_string();
    format!(
        "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
    .into()
}
