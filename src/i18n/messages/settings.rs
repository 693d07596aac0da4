//! The settings folder of portable mode, when it cannot be used as it should.

use super::Describe;
use crate::i18n::Lang;
use crate::settings_home::PortableProblem;

impl Describe for PortableProblem {
    fn describe(&self, lang: Lang) -> String {
        use PortableProblem::*;
        match (self, lang) {
            (CannotCreate { folder, error }, Lang::Zh) => format!(
                "便携模式：无法创建设置文件夹 {}（{error}）— 本次使用默认设置，更改不会保存",
                folder.display()
            ),
            (CannotCreate { folder, error }, Lang::En) => format!(
                "Portable mode: the settings folder {} cannot be created ({error}) — defaults are used and changes will not be saved",
                folder.display()
            ),
            (Unreadable { file, error }, Lang::Zh) => format!(
                "便携模式：无法读取设置文件 {}（{error}）— 本次使用默认设置",
                file.display()
            ),
            (Unreadable { file, error }, Lang::En) => format!(
                "Portable mode: the settings file {} cannot be read ({error}) — defaults are used",
                file.display()
            ),
            (ReadOnly { folder, error }, Lang::Zh) => format!(
                "便携模式：设置文件夹 {} 不可写（{error}）— 更改不会保存",
                folder.display()
            ),
            (ReadOnly { folder, error }, Lang::En) => format!(
                "Portable mode: the settings folder {} is read-only ({error}) — changes will not be saved",
                folder.display()
            ),
        }
    }
}
