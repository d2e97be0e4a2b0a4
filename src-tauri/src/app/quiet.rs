//! When this process holds nothing a fresh one could not pick up again: no sign-in pending, no
//! change or refresh half done, nothing on show that only memory holds (a sign-in's error, a
//! keychain banner). The shell may then replace the process with a fresh `--hidden` spotkey,
//! which reads the same keychain and files, and costs what a start in the tray costs.
use super::controller::Controller;

/// A change or a refresh in flight: while one is alive the controller is not quiet. Dropping
/// it may make the controller quiet, which `settled` announces.
pub(super) struct Working {
    controller: Controller,
}

impl Drop for Working {
    fn drop(&mut self) {
        let mut s = self.controller.shared();
        s.working = s.working.saturating_sub(1);
        drop(s);
        self.controller.inner.settled.notify_one();
    }
}

impl Controller {
    /// Marks the caller's work as in flight until the returned value is dropped. Every change
    /// to the keychain or the files takes one, and so does a sign-in's ending.
    pub(super) fn working(&self) -> Working {
        let mut s = self.shared();
        s.working = s.working.saturating_add(1);
        drop(s);
        Working {
            controller: self.clone(),
        }
    }

    /// Runs `leave` if the controller is quiet, with its state locked, so nothing can start
    /// (a sign-in, a refresh, a change) while `leave` runs: it is meant to replace the process.
    /// Returns None, without running it, when something is in flight or only memory holds it.
    pub fn while_quiet<R>(&self, leave: impl FnOnce() -> R) -> Option<R> {
        let s = self.shared();
        let quiet =
            s.working == 0 && s.pending.is_none() && s.last_error.is_none() && s.problem.is_none();
        let left = quiet.then(leave);
        drop(s);
        left
    }

    /// Returns when the controller may have become quiet (something in flight ended, or a
    /// status was published); `while_quiet` tells for sure. One waiter: the shell.
    pub async fn settled(&self) {
        self.inner.settled.notified().await;
    }
}
