//! Serving connections: HTTP/1.1 on hyper with the limits that keep silent, slow or oversized
//! callers from holding the service — a cap on connections, a deadline for each request's head,
//! an idle timeout, a size limit for heads — and a graceful stop.

use std::collections::BTreeMap;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::{Extension, Router};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify, OwnedSemaphorePermit, Semaphore, TryAcquireError};
use tokio::time::Instant;
use tower::Layer;

use crate::http::ServeOptions;

/// The largest request head (request line and headers) accepted; a larger one is answered 431
/// and the connection closed.
pub const HEAD_LIMIT: usize = 16 * 1024;

/// The most connections [`ServeOptions::max_clients`] may allow, far above any file limit.
const MOST_CLIENTS: usize = 1 << 20;

/// Serves until `shutdown` resolves, then lets requests in flight finish.
///
/// At most `max_clients` connections are served at once. A caller arriving when every place is
/// taken gets the place of the oldest connection that has not sent a byte yet (it holds a place
/// and has asked for nothing); if every connection has spoken, callers wait in the listen queue,
/// in order, until one closes. A connection that sends no head within `header_timeout`, or moves
/// no byte for `idle_timeout`, is closed, so no caller (a health check) waits longer than those.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    options: &ServeOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let max_clients = options.max_clients.clamp(1, MOST_CLIENTS);
    let places = Arc::new(Semaphore::new(max_clients));
    let silent = Arc::new(Silent::default());
    let mut http = http1::Builder::new();
    // Without a timer hyper applies no header deadline at all. The deadline runs from when the
    // server starts waiting for a head, so it also closes kept-alive connections left idle.
    http.timer(TokioTimer::new()).header_read_timeout(options.header_timeout).max_header_size(HEAD_LIMIT);
    let idle_timeout = options.idle_timeout;
    let (stop, stopping) = watch::channel(());
    let mut shutdown = pin!(shutdown);
    for number in 0.. {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    pause_after(&error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let permit = match places.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(TryAcquireError::Closed) => break,
            Err(TryAcquireError::NoPermits) => {
                silent.make_room();
                tokio::select! {
                    permit = places.clone().acquire_owned() => match permit {
                        Ok(permit) => permit,
                        Err(_) => break,
                    },
                    () = &mut shutdown => break,
                }
            }
        };
        let activity = Arc::new(Activity::new());
        let told = silent.enter(number, &activity);
        let place = Place { number, silent: silent.clone(), told, _permit: permit };
        let served = Connection { http: http.clone(), idle_timeout, stopping: stopping.clone(), activity, place };
        tokio::spawn(served.run(stream, peer, app.clone()));
    }
    drop(listener);
    stop.send_replace(());
    // Each connection holds a place until it ends: when all are back, all have finished.
    let _all = places.acquire_many(u32::try_from(max_clients).unwrap_or(u32::MAX)).await;
    Ok(())
}

/// Raises this process's soft limit on open files to its hard limit, answering the limit now in
/// force: every connection is an open file, and the usual soft limit of 1024 is soon reached.
pub fn raise_open_file_limit() -> io::Result<u64> {
    rlimit::increase_nofile_limit(u64::MAX)
}

/// A failed accept: one caller gone before it was taken is no matter; anything else (out of open
/// files) is logged and waited out briefly rather than retried at full speed.
async fn pause_after(error: &io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if !matches!(error.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset) {
        tracing::warn!(%error, "cannot accept a connection; trying again in a second");
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// What one connection is served with.
struct Connection {
    http: http1::Builder,
    idle_timeout: Duration,
    stopping: watch::Receiver<()>,
    activity: Arc<Activity>,
    place: Place,
}

impl Connection {
    async fn run(mut self, stream: TcpStream, peer: SocketAddr, app: Router) {
        let activity = self.activity.clone();
        let io = TokioIo::new(Watched { stream, activity: activity.clone() });
        // Handlers read the caller's address (`ConnectInfo`), as with axum's own server.
        let service = TowerToHyperService::new(Extension(ConnectInfo(peer)).layer(app));
        let mut connection = pin!(self.http.serve_connection(io, service));
        let mut stopping = false;
        loop {
            tokio::select! {
                served = connection.as_mut() => {
                    if let Err(error) = served {
                        tracing::debug!(%peer, %error, "connection ended");
                    }
                    return;
                }
                () = activity.idle_for(self.idle_timeout) => {
                    tracing::debug!(%peer, "closing a connection that moved nothing for too long");
                    return;
                }
                // Chosen to make room; it may have spoken since, and then it stays.
                () = self.place.told.notified() => {
                    if !activity.ever_moved() {
                        tracing::debug!(%peer, "closing a connection that said nothing, to make room");
                        return;
                    }
                }
                _ = self.stopping.changed(), if !stopping => {
                    // A caller that never sent a byte has nothing in flight; any other finishes
                    // the request it is in, if any, then closes.
                    if !activity.ever_moved() {
                        return;
                    }
                    stopping = true;
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// A connection's place among `max_clients`, given back when it ends.
struct Place {
    number: u64,
    silent: Arc<Silent>,
    /// Told when the connection, if still silent, is to give its place to a new caller.
    told: Arc<Notify>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Place {
    fn drop(&mut self) {
        self.silent.leave(self.number);
    }
}

/// Connections that may not have sent a byte yet, by age.
#[derive(Default)]
struct Silent {
    waiting: Mutex<BTreeMap<u64, Quiet>>,
}

/// A connection as [`Silent`] knows it: whether it has spoken, and how to tell it to close.
struct Quiet {
    activity: Arc<Activity>,
    told: Arc<Notify>,
}

impl Silent {
    fn enter(&self, number: u64, activity: &Arc<Activity>) -> Arc<Notify> {
        let told = Arc::new(Notify::new());
        self.waiting().insert(number, Quiet { activity: activity.clone(), told: told.clone() });
        told
    }

    fn leave(&self, number: u64) {
        self.waiting().remove(&number);
    }

    /// Tells the oldest connection that has still said nothing to close.
    fn make_room(&self) {
        let mut waiting = self.waiting();
        while let Some((_, quiet)) = waiting.pop_first() {
            if !quiet.activity.ever_moved() {
                quiet.told.notify_one();
                return;
            }
        }
    }

    fn waiting(&self) -> MutexGuard<'_, BTreeMap<u64, Quiet>> {
        self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// When a connection last moved a byte either way, in milliseconds since it opened.
struct Activity {
    opened: Instant,
    last: AtomicU64,
    ever: AtomicBool,
}

impl Activity {
    fn new() -> Self {
        Self { opened: Instant::now(), last: AtomicU64::new(0), ever: AtomicBool::new(false) }
    }

    fn touch(&self) {
        let since = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(since, Ordering::Relaxed);
        self.ever.store(true, Ordering::Relaxed);
    }

    fn ever_moved(&self) -> bool {
        self.ever.load(Ordering::Relaxed)
    }

    /// Resolves once nothing has moved for `limit`.
    async fn idle_for(&self, limit: Duration) {
        loop {
            let last = self.opened + Duration::from_millis(self.last.load(Ordering::Relaxed));
            let Some(deadline) = last.checked_add(limit) else {
                return std::future::pending().await;
            };
            if Instant::now() >= deadline {
                return;
            }
            tokio::time::sleep_until(deadline).await;
        }
    }
}

/// A connection's socket, noting each time bytes move.
struct Watched {
    stream: TcpStream,
    activity: Arc<Activity>,
}

impl Watched {
    fn moved<T>(&self, polled: Poll<io::Result<T>>, bytes: impl FnOnce(&T) -> bool) -> Poll<io::Result<T>> {
        if let Poll::Ready(Ok(done)) = &polled {
            if bytes(done) {
                self.activity.touch();
            }
        }
        polled
    }
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        let read = buf.filled().len() > before;
        self.moved(polled, |()| read)
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.moved(polled, |written| *written > 0)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.moved(polled, |written| *written > 0)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
