//! Static checks of the manifest. They send nothing.

pub mod man_01;
pub mod man_02;
pub mod man_03;
pub mod man_04;
pub mod man_05;
pub mod man_06;
pub mod man_07;
pub mod man_08;
pub mod man_13;

crate::suite!(
    man_01, man_02, man_03, man_04, man_05, man_06, man_07, man_08, man_13,
);

#[cfg(test)]
pub fn parse(json: &str) -> crate::manifest::Manifest {
    crate::manifest::Manifest::parse(json, "test-manifest.json").unwrap()
}
