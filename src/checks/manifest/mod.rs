//! Static checks of the manifest. They send nothing.

crate::suite!(
    man_01, man_02, man_03, man_04, man_05, man_06, man_07, man_08, man_13,
);

#[cfg(test)]
pub fn parse(json: &str) -> crate::manifest::Manifest {
    crate::manifest::Manifest::parse(json, "test-manifest.json").unwrap()
}
