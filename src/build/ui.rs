//! The build's console, like BitBake's knotty: on a terminal, a progress
//! bar with the running tasks under it and messages scrolling above; on
//! anything else, plain lines.

use std::cell::RefCell;
use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output::Output;

/// How much the build prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    /// Warnings, errors and the summary.
    Quiet,
    /// Also every task started and finished.
    Normal,
    /// Also what tasks log at note level.
    Verbose,
}

/// The console of one build.
pub struct Console {
    verbosity: Verbosity,
    live: Option<Live>,
    /// Plain lines, buffered until the build waits (a dry run of thousands
    /// of tasks would otherwise cost a system call a line), and quiet once
    /// the reader has gone.
    plain: RefCell<Output>,
    pub warnings: usize,
    pub errors: usize,
}

struct Live {
    multi: MultiProgress,
    overall: ProgressBar,
    running: Vec<(String, ProgressBar)>,
}

impl Console {
    /// A console that draws live progress only when standard output is a
    /// terminal.
    pub fn new(verbosity: Verbosity, total: usize) -> Console {
        // indicatif draws nothing on a terminal it cannot drive (no TERM,
        // or a dumb one); plain lines serve there too.
        let drawable = std::io::stdout().is_terminal() && !ProgressDrawTarget::stdout().is_hidden();
        let live = drawable.then(|| {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stdout());
            let style = ProgressStyle::with_template("Running tasks ({pos} of {len}) {wide_bar}")
                .unwrap_or_else(|_| ProgressStyle::default_bar());
            let overall = multi.add(ProgressBar::new(total as u64).with_style(style));
            Live { multi, overall, running: Vec::new() }
        });
        Console { verbosity, live, plain: RefCell::new(Output::new()), warnings: 0, errors: 0 }
    }

    /// Prints a line above the live display (or as a plain line).
    pub fn line(&self, text: &str) {
        match &self.live {
            Some(live) => {
                let _ = live.multi.println(text);
            }
            None => self.plain.borrow_mut().line(format_args!("{text}")),
        }
    }

    /// Writes out the buffered plain lines; the build calls this before it
    /// waits, so a reader sees each line when it happens.
    pub fn flush(&self) {
        self.plain.borrow_mut().flush();
    }

    pub fn note(&self, text: &str) {
        if self.verbosity >= Verbosity::Normal {
            self.line(&format!("NOTE: {text}"));
        }
    }

    /// A note that only `-v` shows.
    pub fn verbose(&self, text: &str) {
        if self.verbosity >= Verbosity::Verbose {
            self.line(&format!("NOTE: {text}"));
        }
    }

    pub fn warning(&mut self, text: &str) {
        self.warnings += 1;
        self.line(&format!("WARNING: {text}"));
    }

    pub fn error(&mut self, text: &str) {
        self.errors += 1;
        self.line(&format!("ERROR: {text}"));
    }

    /// A task has started running.
    pub fn started(&mut self, label: &str) {
        if let Some(live) = &mut self.live {
            let spinner = live.multi.add(ProgressBar::new_spinner());
            spinner.set_message(label.to_owned());
            spinner.enable_steady_tick(Duration::from_millis(250));
            live.running.push((label.to_owned(), spinner));
        }
    }

    /// A task has finished, or was found not to need running.
    pub fn finished(&mut self, label: Option<&str>) {
        if let Some(live) = &mut self.live {
            live.overall.inc(1);
            if let Some(label) = label {
                if let Some(at) = live.running.iter().position(|(known, _)| known == label) {
                    let (_, spinner) = live.running.remove(at);
                    spinner.finish_and_clear();
                    live.multi.remove(&spinner);
                }
            }
        }
    }

    /// Removes the live display, before the summary.
    pub fn clear(&mut self) {
        if let Some(live) = self.live.take() {
            for (_, spinner) in live.running {
                spinner.finish_and_clear();
            }
            live.overall.finish_and_clear();
            let _ = live.multi.clear();
        }
    }
}
