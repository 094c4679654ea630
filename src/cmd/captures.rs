//! Being written.

use crate::exit::Outcome;
use crate::output::Output;

pub fn run(_a: crate::cli::CapturesCommand, _out: &Output) -> anyhow::Result<Outcome> {
    anyhow::bail!("not written yet")
}
