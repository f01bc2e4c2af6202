use docver::versioned;

#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub enum Level {
    Low,
    High,
}

// Every typed operation, composed: a rename feeding a convert whose reverse is derived (a
// bijection), a wrap, a remove with a default and an add.
#[versioned(
    schema = "setting",
    versions = 1..=2,
    step(to = 2, lens(
        rename(from = loud, to = level),
        convert(level, up = { false => Level::Low, true => Level::High }),
        wrap(tags),
        remove(legacy, default = 7),
        add(comment, default = String::from("none")),
    )),
)]
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    #[docver(until = 2)]
    pub loud: bool,
    #[docver(since = 2)]
    pub level: Level,
    #[docver(until = 2)]
    pub tags: String,
    #[docver(since = 2)]
    pub tags: Vec<String>,
    #[docver(until = 2)]
    pub legacy: u32,
    #[docver(since = 2)]
    pub comment: String,
}

fn main() {
    let mut parts = docver::Parts::new(None);
    let v1 = SettingV1 {
        loud: true,
        tags: "a".into(),
        legacy: 3,
        unknown: Default::default(),
    };
    let v2 = v1.clone().upgrade(&mut parts).unwrap();
    assert_eq!(v2.level, Level::High);
    assert_eq!(v2.tags, vec!["a".to_owned()]);
    assert_eq!(v2.comment, "none");
    assert!(!SettingV2::DOWNGRADE_LOSSLESS, "wrap keeps one tag on the way back");
    assert_eq!(v2.downgrade(&mut parts).unwrap(), v1);
}
