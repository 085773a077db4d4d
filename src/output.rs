//! Standard output for commands that print a lot: buffered, and quiet when
//! the reader goes away (`rbake env | head` must not panic on a closed
//! pipe), as users of ripgrep and cargo expect.

use std::fmt;
use std::io::{self, BufWriter, Stdout, Write};

/// Buffered standard output that stops writing at the first error.
pub struct Output {
    inner: BufWriter<Stdout>,
    closed: bool,
}

impl Output {
    pub fn new() -> Output {
        Output { inner: BufWriter::new(io::stdout()), closed: false }
    }

    /// Writes one line; after a write error (a closed pipe), does nothing.
    pub fn line(&mut self, args: fmt::Arguments<'_>) {
        if !self.closed && writeln!(self.inner, "{args}").is_err() {
            self.closed = true;
        }
    }
}

impl Output {
    /// Writes out what is buffered.
    pub fn flush(&mut self) {
        if !self.closed && self.inner.flush().is_err() {
            self.closed = true;
        }
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        if !self.closed {
            let _ = self.inner.flush();
        }
    }
}

/// `outln!(out, "...", args)`: a line to an [`Output`].
#[macro_export]
macro_rules! outln {
    ($out:expr, $($arg:tt)*) => {
        $out.line(format_args!($($arg)*))
    };
}
