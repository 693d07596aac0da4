//! Everything the user reads, in Chinese and English. The window and the CLI both
//! take their words from here, so one language switch covers both.

mod messages;
mod texts;

pub use messages::{Describe, describe_reach, direction_name};
pub use texts::{
    LoadWords, RelayWords, ReplayWords, SequenceWords, Texts, WIDEST_COUNT, format_count,
    format_size,
};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Lang {
    Zh,
    #[default]
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// Chinese for a Chinese system locale, English otherwise.
    pub fn from_locale(locale: Option<&str>) -> Self {
        match locale {
            Some(name) if name.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
            _ => Lang::En,
        }
    }

    /// `NETDBG_LANG` (zh/en) wins, then the system locale.
    pub fn detect() -> Self {
        if let Some(lang) = std::env::var("NETDBG_LANG")
            .ok()
            .and_then(|code| Self::from_code(&code))
        {
            return lang;
        }
        Self::from_locale(sys_locale::get_locale().as_deref())
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().to_ascii_lowercase().as_str() {
            c if c.starts_with("zh") => Some(Lang::Zh),
            c if c.starts_with("en") => Some(Lang::En),
            _ => None,
        }
    }

    /// The language's own name, for the switch in the top bar.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Zh => "中文",
            Lang::En => "English",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Zh => &texts::ZH,
            Lang::En => &texts::EN,
        }
    }
}
