//! Baken surveillance: increase alarms on count series (police crime figures).
//!
//! Pure computation, no I/O:
//! - [`farrington`]: improved Farrington (Noufaily et al. 2013) as in R
//!   `surveillance::farringtonFlexible` with the NB plug-in threshold;
//! - [`nb_cusum`] / [`nb_cusum_on_farrington`]: negative-binomial CUSUM for sustained rises;
//! - [`ears_c1`]: EARS C1 (weak baseline for benchmarks);
//! - [`fdr_alarms`]: Benjamini–Hochberg over many series' p-values (buurt level);
//! - [`parse_period`] / [`farrington_csv`]: CSV in, JSON out, for the CLI;
//! - [`simulate`]: seeded outbreak simulator and the §4.5 evaluation;
//! - [`tuning`]: alarm settings for monthly and fortnightly series, chosen by simulation;
//! - [`bench()`]: throughput benchmark on generated monthly series.

// `!(x > 0.0)` is used on purpose so that NaN fails the check too.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

mod bench;
mod cusum;
mod farrington;
mod fdr;
mod nb;
mod period;
pub mod simulate;
pub mod tuning;

pub use bench::{bench, BenchReport};
pub use cusum::{
    ears_c1, nb_cusum, nb_cusum_arl, nb_cusum_h_for_arl, nb_cusum_on_farrington, CusumParams,
    CusumResult, EarsResult,
};
pub use farrington::{farrington, farrington_into, FarringtonParams, FarringtonResult, Workspace};
pub use fdr::{benjamini_hochberg, fdr_alarms, region_level, RegionLevel};
pub use nb::{nb_cdf, nb_quantile, nb_upper_tail};
pub use period::{farrington_csv, parse_period, Period};

/// Errors of this crate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SurveillanceError {
    /// Not enough history for the requested evaluation.
    #[error("series too short: need at least {needed} periods, have {available}")]
    TooShort {
        /// Periods needed.
        needed: usize,
        /// Periods available.
        available: usize,
    },
    /// A parameter is out of range.
    #[error("invalid parameter: {0}")]
    InvalidParams(String),
    /// A count is negative or not finite.
    #[error("invalid count {0}: counts must be finite and >= 0")]
    InvalidCount(f64),
    /// A period label could not be parsed.
    #[error("invalid period {0:?}: expected YYYY-MM, YYYY-Www or YYYYMMnn")]
    InvalidPeriod(String),
    /// Problem in CSV input, with 1-based line number.
    #[error("line {line}: {message}")]
    Csv {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}
