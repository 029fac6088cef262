//! Everything the command line prints goes through [`say!`], so that a reader who stops reading
//! (`khaki replay … | head`) ends the command quietly instead of panicking at the next line.

use std::error::Error;
use std::io::{self, Write};

/// Prints one line on standard output. A reader that went away is an error for the caller to
/// pass up with `?`; `main` then ends quietly (see [`reader_gone`]).
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::out::line(format_args!($($arg)*))
    };
}
pub(crate) use say;

pub fn line(text: std::fmt::Arguments<'_>) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_fmt(text)?;
    out.write_all(b"\n")
}

/// Whether a failure is only that standard output's reader closed the pipe: the command has
/// nothing left to say to anyone, so it ends without a message and successfully, as `head`
/// asked.
pub fn reader_gone(failure: &(dyn Error + 'static)) -> bool {
    let mut cause = Some(failure);
    while let Some(error) = cause {
        if error.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) {
            return true;
        }
        cause = error.source();
    }
    false
}
