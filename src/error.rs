//! Diagnostics: every problem found in user input, with the field path, the
//! offending value and a hint saying how to fix it.

use std::fmt;

use crate::base::text::for_terminal;

/// One problem in the user's input.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Stable code, `E0xx` (see docs/errors.md).
    pub code: &'static str,
    /// Path of the field, e.g. `tasks[3].after[0]`; empty for the whole file.
    pub path: String,
    /// What is wrong, naming the offending value.
    pub message: String,
    /// How to fix it.
    pub hint: String,
    /// Line (from 1) of the field in the input file, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Column (from 1, in characters) of the field, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl Diagnostic {
    /// A diagnostic with no line or column yet (placed later, when the field's position is known).
    pub fn new(
        code: &'static str,
        path: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            path: path.into(),
            message: message.into(),
            hint: hint.into(),
            line: None,
            column: None,
        }
    }

    /// The same diagnostic, placed at a line and column of the input
    /// (0 means unknown and leaves it unplaced).
    pub fn at(mut self, line: u32, column: u32) -> Self {
        if line > 0 {
            self.line = Some(line);
            self.column = Some(column.max(1));
        }
        self
    }
}

/// Written for a terminal: the path, message and hint go through
/// [`for_terminal`], so an id holding ESC, NUL, a bidirectional override or
/// half a megabyte is shown escaped and cut.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = for_terminal(&self.message);
        if self.path.is_empty() {
            write!(f, "error[{}]: {message}", self.code)?;
        } else {
            write!(
                f,
                "error[{}]: {}: {message}",
                self.code,
                for_terminal(&self.path)
            )?;
        }
        if !self.hint.is_empty() {
            write!(f, "\n  hint: {}", for_terminal(&self.hint))?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Every problem found in one input, reported together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file (or other source) the problems were found in.
    pub source: String,
    /// The problems, in the order found.
    pub diagnostics: Vec<Diagnostic>,
}

impl InputError {
    /// An error holding a single diagnostic.
    pub fn one(source: impl Into<String>, d: Diagnostic) -> Self {
        InputError {
            source: source.into(),
            diagnostics: vec![d],
        }
    }
}

/// Diagnostics written out per input error at most; the rest are counted
/// ("… and 999 900 more problems"), so a file with a million bad entries
/// does not flood the terminal.
pub const MAX_SHOWN_DIAGNOSTICS: usize = 100;

/// Every diagnostic up to [`MAX_SHOWN_DIAGNOSTICS`], then how many more.
impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = for_terminal(&self.source);
        for (i, d) in self
            .diagnostics
            .iter()
            .take(MAX_SHOWN_DIAGNOSTICS)
            .enumerate()
        {
            if i > 0 {
                writeln!(f)?;
            }
            // `file:line:col:` as compilers write it, so editors can jump there.
            match (d.line, d.column) {
                (Some(l), Some(c)) => write!(f, "{source}:{l}:{c}: {d}")?,
                _ => write!(f, "{source}: {d}")?,
            }
        }
        let more = self.diagnostics.len().saturating_sub(MAX_SHOWN_DIAGNOSTICS);
        if more > 0 {
            write!(
                f,
                "\n{source}: … and {more} more problem{} (the first {MAX_SHOWN_DIAGNOSTICS} are shown; fix these and run again)",
                if more == 1 { "" } else { "s" }
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// Why planning gave no plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoPlan {
    /// Proven: no plan exists. The reason is in the inventory's words.
    Infeasible(String),
    /// No plan was found within the time limit and none is proven
    /// impossible; a longer time limit may find one.
    NotFound(String),
}

impl From<NoPlan> for Error {
    fn from(e: NoPlan) -> Self {
        match e {
            NoPlan::Infeasible(why) => Error::Infeasible(why),
            NoPlan::NotFound(why) => Error::NotFound(why),
        }
    }
}

/// Why a library call gave no result: the one error type of the facade
/// (`windowplan::load`, `windowplan::plan`, ...).
/// Each variant says what the user can do next, and maps to the command's
/// exit code ([`Error::exit_code`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The input is unreadable or invalid: every problem found, each with
    /// its code, its path in the file, the message and a hint.
    Invalid(InputError),
    /// Proven: no plan exists. The reason is in the inventory's words.
    Infeasible(String),
    /// No plan was found within the time limit and none is proven
    /// impossible; a longer time limit may find one.
    NotFound(String),
}

impl Error {
    /// The exit code DESIGN.md gives this outcome: 2 invalid input, 1
    /// proven impossible, 3 not found in time.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Invalid(_) => 2,
            Error::Infeasible(_) => 1,
            Error::NotFound(_) => 3,
        }
    }
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::Invalid(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(e) => write!(f, "{e}"),
            Error::Infeasible(why) => write!(f, "no feasible plan: {why}"),
            Error::NotFound(why) => write!(f, "no plan found within the time limit: {why}"),
        }
    }
}

impl std::error::Error for Error {}
