//! Graceful shutdown: one trigger (SIGTERM, SIGINT or a caller), many listeners.
//!
//! On the signal the pull loop stops taking pages, in-flight pages are finished and acked within
//! the grace period, the NATS connection is flushed, and `run` returns.

use tokio::sync::watch;

/// Fires the shutdown; held by whoever decides when the service stops.
#[derive(Debug, Clone)]
pub struct ShutdownTrigger {
    tx: watch::Sender<bool>,
}

/// Listens for the shutdown; cheap to clone, one per task.
#[derive(Debug, Clone)]
pub struct Shutdown {
    rx: watch::Receiver<bool>,
}

/// A connected trigger and listener.
pub fn channel() -> (ShutdownTrigger, Shutdown) {
    let (tx, rx) = watch::channel(false);
    (ShutdownTrigger { tx }, Shutdown { rx })
}

impl ShutdownTrigger {
    /// Tells every listener to stop.
    pub fn trigger(&self) {
        self.tx.send_replace(true);
    }
}

impl Shutdown {
    /// Whether shutdown has been requested.
    pub fn is_triggered(&self) -> bool {
        *self.rx.borrow()
    }

    /// Completes once shutdown is requested (immediately if it already was).
    pub async fn wait(&mut self) {
        // An error means every trigger is gone: nobody can ask for shutdown any more, so wait
        // forever.
        if self.rx.wait_for(|stop| *stop).await.is_err() {
            std::future::pending::<()>().await;
        }
    }

    /// A listener that never fires, for callers that stop the service some other way.
    pub fn never() -> Shutdown {
        let (tx, rx) = watch::channel(false);
        std::mem::forget(tx);
        Shutdown { rx }
    }
}

/// A listener fired by SIGTERM or SIGINT (Ctrl-C). Must be called inside a Tokio runtime.
pub fn on_signals() -> Shutdown {
    let (trigger, shutdown) = channel();
    tokio::spawn(async move {
        let name = wait_for_signal().await;
        tracing::info!(
            signal = name,
            "shutdown requested: finishing in-flight pages"
        );
        trigger.trigger();
    });
    shutdown
}

#[cfg(unix)]
async fn wait_for_signal() -> &'static str {
    use tokio::signal::unix::{signal, SignalKind};
    match (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) {
        (Ok(mut term), Ok(mut int)) => tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        },
        _ => {
            tracing::warn!("cannot install signal handlers; only Ctrl-C stops the service");
            let _ = tokio::signal::ctrl_c().await;
            "SIGINT"
        }
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() -> &'static str {
    let _ = tokio::signal::ctrl_c().await;
    "Ctrl-C"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_listener_sees_the_trigger() {
        let (trigger, mut a) = channel();
        let mut b = a.clone();
        assert!(!a.is_triggered());
        trigger.trigger();
        a.wait().await;
        b.wait().await;
        assert!(a.is_triggered() && b.is_triggered());
    }

    #[tokio::test]
    async fn a_listener_created_after_the_trigger_completes_at_once() {
        let (trigger, a) = channel();
        trigger.trigger();
        let mut late = a.clone();
        late.wait().await;
        assert!(late.is_triggered());
    }
}
