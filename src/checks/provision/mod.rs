//! Checks of the provision answer and of provision probes.

pub mod gen_01;
pub mod gen_02;
pub mod gen_04;
pub mod opt_02;
pub mod prov_02;
pub mod prov_03;
pub mod prov_04;
pub mod prov_05;
pub mod prov_06;
pub mod prov_14;
