//! Config sections that parameterise probe scenarios: the region strings of the Private Space
//! probes (§18 Q3) and the number of concurrent duplicate deliveries. Part of the TOML config.

use serde::{Deserialize, Serialize};

/// The Common Runtime regions as Heroku sends them (`us`, `eu`).
pub const COMMON_RUNTIME_REGIONS: &[&str] = &[
    "amazon-web-services::us-east-1",
    "amazon-web-services::eu-west-1",
];

/// Region strings of the Private Space probes.
///
/// Heroku does not publish the exact `region` value of a Private Space provision (§18 Q3). The
/// default is the AWS form of the `oregon` space, `amazon-web-services::us-west-2`: no Common
/// Runtime region lives there, so a partner cannot mistake it for one. `virginia` and `dublin`
/// share their AWS regions with `us` and `eu` and are therefore not defaults; add the strings
/// your add-on recognises.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RegionsSection {
    /// Private Space region strings: refused plans are probed in each, available ones in the first.
    #[serde(default = "default_private_space")]
    pub private_space: Vec<String>,
    /// A region no partner knows; it must get 422 with a message or success, never a 5xx.
    #[serde(default = "default_unknown_region")]
    pub unknown: String,
}

impl Default for RegionsSection {
    fn default() -> Self {
        Self {
            private_space: default_private_space(),
            unknown: default_unknown_region(),
        }
    }
}

fn default_private_space() -> Vec<String> {
    vec!["amazon-web-services::us-west-2".to_owned()]
}

fn default_unknown_region() -> String {
    "amazon-web-services::xx-conformance-1".to_owned()
}

/// Duplicate deliveries (Heroku delivers at least once).
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IdempotencySection {
    /// Identical provisions sent at once for the concurrency check; below 2 skips it.
    #[serde(default = "five")]
    pub concurrent_deliveries: usize,
}

impl Default for IdempotencySection {
    fn default() -> Self {
        Self {
            concurrent_deliveries: five(),
        }
    }
}

fn five() -> usize {
    5
}
