//! The settings file of the CPU-drawn window: the same RON map of strings eframe
//! keeps (`app.ron`), so either window reads what the other saved. eframe does not
//! offer its file storage for a path of our choosing (portable mode's), hence this.
//! As eframe's, the file is written on a thread of its own: the write ends with an
//! fsync, which a busy disk can make last far longer than a frame.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

pub struct SettingsFile {
    path: PathBuf,
    entries: HashMap<String, String>,
    /// Changed since last written (or the last write failed).
    dirty: bool,
    /// The write under way, if any.
    writing: Option<JoinHandle<std::io::Result<()>>>,
}

impl SettingsFile {
    /// What `path` holds; empty when it is missing or unreadable (the app then
    /// starts with defaults, as it does under eframe).
    pub fn open(path: PathBuf) -> Self {
        let entries = std::fs::read_to_string(&path)
            .ok()
            .and_then(|text| ron::from_str(&text).ok())
            .unwrap_or_default();
        Self {
            path,
            entries,
            dirty: false,
            writing: None,
        }
    }

    /// Starts writing the settings if anything changed since they were read or
    /// last written, once the write under way (if any) has ended; that write's
    /// outcome is the result.
    pub fn flush(&mut self) -> std::io::Result<()> {
        let previous = self.wait();
        if !self.dirty {
            return previous;
        }
        let text = ron::ser::to_string_pretty(&self.entries, ron::ser::PrettyConfig::default())
            .map_err(std::io::Error::other)?;
        let path = self.path.clone();
        self.writing = Some(std::thread::spawn(move || write_file(&path, &text)));
        self.dirty = false;
        previous
    }

    /// Waits for the write under way; a failed one is tried again at the next flush.
    pub fn wait(&mut self) -> std::io::Result<()> {
        let Some(writing) = self.writing.take() else {
            return Ok(());
        };
        let written = writing
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the settings writer panicked")));
        self.dirty |= written.is_err();
        written
    }

    fn report(&self, result: std::io::Result<()>) {
        if let Err(error) = result {
            eprintln!(
                "netdbg: cannot save the settings to {}: {error}",
                self.path.display()
            );
        }
    }
}

/// The last write ends before the program does.
impl Drop for SettingsFile {
    fn drop(&mut self) {
        let written = self.wait();
        self.report(written);
    }
}

/// Writes `text` to a file beside `path`, then renames it over, so a crash
/// mid-write never leaves half a file.
fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(folder) = path.parent() {
        std::fs::create_dir_all(folder)?;
    }
    let partial = partial_path(path);
    let mut file = std::fs::File::create(&partial)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&partial, path)
}

fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

impl eframe::Storage for SettingsFile {
    fn get_string(&self, key: &str) -> Option<String> {
        self.entries.get(key).cloned()
    }

    fn set_string(&mut self, key: &str, value: String) {
        if self.entries.get(key) != Some(&value) {
            self.entries.insert(key.to_owned(), value);
            self.dirty = true;
        }
    }

    fn remove_string(&mut self, key: &str) {
        self.dirty |= self.entries.remove(key).is_some();
    }

    fn flush(&mut self) {
        let result = SettingsFile::flush(self);
        self.report(result);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use eframe::Storage;

    #[test]
    fn what_is_saved_is_read_back_and_a_damaged_file_reads_as_empty() {
        let folder = std::env::temp_dir().join(format!("netdbg-settings-{}", std::process::id()));
        let path = folder.join("nested").join("app.ron");
        let mut file = SettingsFile::open(path.clone());
        assert_eq!(file.get_string("app"), None);
        file.set_string("app", "(lang: Zh)".to_owned());
        file.set_string("quote", "a \"b\"\n".to_owned());
        SettingsFile::flush(&mut file).expect("saved");
        file.wait().expect("saved");
        let again = SettingsFile::open(path.clone());
        assert_eq!(again.get_string("app").as_deref(), Some("(lang: Zh)"));
        assert_eq!(again.get_string("quote").as_deref(), Some("a \"b\"\n"));
        assert!(!partial_path(&path).exists());

        std::fs::write(&path, "{ not ron").expect("damaged");
        assert_eq!(SettingsFile::open(path).get_string("app"), None);
        std::fs::remove_dir_all(folder).ok();
    }
}
