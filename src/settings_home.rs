//! Where the window keeps its settings: the user's profile, or — portable mode,
//! as NetAssist users carry it on a USB stick — a `settings` folder beside the
//! executable, when a file `netdbg.portable` or that folder is there.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// The file beside the executable that asks for portable mode.
pub const PORTABLE_MARKER: &str = "netdbg.portable";
/// The folder beside the executable that holds the settings in portable mode.
pub const PORTABLE_FOLDER: &str = "settings";
/// The settings file in that folder (the name eframe gives it in the profile).
const SETTINGS_FILE: &str = "app.ron";

#[derive(Debug)]
pub enum SettingsHome {
    /// eframe's folder in the user's profile.
    Profile,
    /// Portable mode: the settings file beside the executable, and what is wrong
    /// with its folder if anything (the window says so and goes on with defaults
    /// or without saving, never stops).
    Portable {
        file: PathBuf,
        problem: Option<PortableProblem>,
    },
}

/// Why the portable settings folder cannot be used as it should.
#[derive(Debug)]
pub enum PortableProblem {
    /// The folder does not exist and cannot be made (a file has its name, the
    /// medium is read-only…).
    CannotCreate { folder: PathBuf, error: io::Error },
    /// The settings in it cannot be read: defaults are used.
    Unreadable { file: PathBuf, error: io::Error },
    /// Nothing can be written in it: changes will not be kept.
    ReadOnly { folder: PathBuf, error: io::Error },
}

impl SettingsHome {
    /// Where the settings of the executable in `exe_dir` live.
    pub fn beside(exe_dir: &Path) -> Self {
        let folder = exe_dir.join(PORTABLE_FOLDER);
        if !exe_dir.join(PORTABLE_MARKER).exists() && !folder.is_dir() {
            return Self::Profile;
        }
        let file = folder.join(SETTINGS_FILE);
        let problem = check_folder(&folder, &file).err();
        Self::Portable { file, problem }
    }

    /// For the running executable (the profile when its folder is unknown).
    pub fn of_this_program() -> Self {
        std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(Self::beside))
            .unwrap_or(Self::Profile)
    }

    /// The settings file eframe should use instead of the profile's.
    pub fn file(&self) -> Option<&Path> {
        match self {
            Self::Profile => None,
            Self::Portable { file, .. } => Some(file),
        }
    }

    pub fn problem(&self) -> Option<&PortableProblem> {
        match self {
            Self::Portable { problem, .. } => problem.as_ref(),
            Self::Profile => None,
        }
    }

    /// What the window should say about the folder, if anything.
    pub fn into_problem(self) -> Option<PortableProblem> {
        match self {
            Self::Portable { problem, .. } => problem,
            Self::Profile => None,
        }
    }
}

/// Makes the folder if needed and tries what eframe will do with it: read the
/// settings, write beside them.
fn check_folder(folder: &Path, file: &Path) -> Result<(), PortableProblem> {
    fs::create_dir_all(folder).map_err(|error| PortableProblem::CannotCreate {
        folder: folder.to_owned(),
        error,
    })?;
    if file.exists() {
        fs::read(file).map_err(|error| PortableProblem::Unreadable {
            file: file.to_owned(),
            error,
        })?;
    }
    let probe = folder.join(".netdbg-write-test");
    fs::write(&probe, b"netdbg")
        .and_then(|()| fs::remove_file(&probe))
        .map_err(|error| PortableProblem::ReadOnly {
            folder: folder.to_owned(),
            error,
        })
}
