//! A per-thread log that exists only while a recording runs on the thread:
//! what the datastore's access notes (`datastore::access`) and the parse
//! reads (`reuse::record`) are written to. Recordings do not nest: an inner
//! one sees only its own entries, and the outer one resumes afterwards.

use std::cell::{Cell, RefCell};
use std::thread::LocalKey;

/// A thread's log: whether a recording runs, and what it logged so far.
pub(crate) struct Slot<T> {
    active: Cell<bool>,
    log: RefCell<T>,
}

impl<T: Default> Default for Slot<T> {
    fn default() -> Self {
        Slot { active: Cell::new(false), log: RefCell::new(T::default()) }
    }
}

/// Starts recording into `slot` on this thread, until the returned guard
/// is finished or dropped.
pub(crate) fn start<T: Default>(slot: &'static LocalKey<Slot<T>>) -> Recording<T> {
    let saved = slot.with(|slot| (slot.log.take(), slot.active.replace(true)));
    Recording { slot, saved: Some(saved) }
}

/// Runs `f` on the log if a recording runs on this thread.
pub(crate) fn with_log<T, R>(
    slot: &'static LocalKey<Slot<T>>,
    f: impl FnOnce(&mut T) -> R,
) -> Option<R> {
    slot.with(|slot| {
        if !slot.active.get() {
            return None;
        }
        slot.log.try_borrow_mut().ok().map(|mut log| f(&mut log))
    })
}

/// Reads the log, recording or not.
pub(crate) fn peek<T, R>(slot: &'static LocalKey<Slot<T>>, f: impl FnOnce(&T) -> R) -> Option<R> {
    slot.with(|slot| slot.log.try_borrow().ok().map(|log| f(&log)))
}

/// A recording in progress.
pub struct Recording<T: Default + 'static> {
    slot: &'static LocalKey<Slot<T>>,
    saved: Option<(T, bool)>,
}

impl<T: Default> Recording<T> {
    /// Stops recording and returns what was logged.
    pub fn finish(mut self) -> T {
        self.restore()
    }

    fn restore(&mut self) -> T {
        let Some((saved, was_active)) = self.saved.take() else { return T::default() };
        self.slot.with(|slot| {
            slot.active.set(was_active);
            slot.log.replace(saved)
        })
    }
}

impl<T: Default> Drop for Recording<T> {
    fn drop(&mut self) {
        self.restore();
    }
}
