//! The shipped data files, embedded at compile time.

/// The first year shipped.
pub const FIRST_YEAR: i32 = 2014;
/// The last year shipped.
pub const LAST_YEAR: i32 = 2026;

/// (year, file text) of every shipped year.
pub(crate) const FILES: &[(i32, &str)] = &[
    (2014, include_str!("../data/2014.toml")),
    (2015, include_str!("../data/2015.toml")),
    (2016, include_str!("../data/2016.toml")),
    (2017, include_str!("../data/2017.toml")),
    (2018, include_str!("../data/2018.toml")),
    (2019, include_str!("../data/2019.toml")),
    (2020, include_str!("../data/2020.toml")),
    (2021, include_str!("../data/2021.toml")),
    (2022, include_str!("../data/2022.toml")),
    (2023, include_str!("../data/2023.toml")),
    (2024, include_str!("../data/2024.toml")),
    (2025, include_str!("../data/2025.toml")),
    (2026, include_str!("../data/2026.toml")),
];

pub(crate) fn span() -> String {
    format!("{FIRST_YEAR}–{LAST_YEAR} годы")
}
