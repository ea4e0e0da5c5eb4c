//! The body-read time-out: a request body that makes no progress for the configured
//! time fails with [`BodyReadTimeout`], and the readers of JSON and multipart bodies
//! answer `408 request_timeout` for it. The server wraps every request body in
//! [`TimedBody`]; the handlers only see an error they can tell apart from a body
//! that broke off.

use std::error::Error as StdError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::body::{Bytes, HttpBody};
use http_body::{Frame, SizeHint};
use tokio::time::{Instant, Sleep};
use trove_domain::{Error, ErrorKind};

/// The error a [`TimedBody`] yields when no byte arrived for its time-out.
#[derive(Debug, Clone, Copy)]
pub struct BodyReadTimeout(pub Duration);

impl fmt::Display for BodyReadTimeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no part of the request body arrived for {:?}", self.0)
    }
}

impl StdError for BodyReadTimeout {}

/// Whether `e`, or any error it wraps, is a [`BodyReadTimeout`].
pub fn is_timeout(e: &(dyn StdError + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if err.is::<BodyReadTimeout>() {
            return true;
        }
        cur = err.source();
    }
    false
}

/// The 408 a stalled body is answered with.
pub fn timeout_error() -> Error {
    Error::new(
        ErrorKind::RequestTimeout,
        "request_timeout",
        "the request body stopped arriving before it was complete; send it again without pausing",
    )
}

/// A request body that fails with [`BodyReadTimeout`] when it makes no progress for
/// `timeout`. The timer is created only when a read has to wait, so a request
/// without a body (every delivery) costs nothing more than the wrapper.
pub struct TimedBody<B> {
    inner: B,
    timeout: Duration,
    /// Armed while a read waits; disarmed by every frame.
    sleep: Option<Pin<Box<Sleep>>>,
    armed: bool,
}

impl<B> TimedBody<B> {
    pub fn new(inner: B, timeout: Duration) -> Self {
        TimedBody { inner, timeout, sleep: None, armed: false }
    }
}

impl<B> HttpBody for TimedBody<B>
where
    B: HttpBody<Data = Bytes> + Unpin,
    B::Error: Into<Box<dyn StdError + Send + Sync>>,
{
    type Data = Bytes;
    type Error = Box<dyn StdError + Send + Sync>;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            this.armed = false;
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        if !this.armed {
            let deadline = Instant::now() + this.timeout;
            match &mut this.sleep {
                Some(sleep) => sleep.as_mut().reset(deadline),
                None => this.sleep = Some(Box::pin(tokio::time::sleep_until(deadline))),
            }
            this.armed = true;
        }
        if let Some(sleep) = &mut this.sleep {
            ready!(sleep.as_mut().poll(cx));
        }
        Poll::Ready(Some(Err(Box::new(BodyReadTimeout(this.timeout)))))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
