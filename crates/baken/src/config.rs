//! Settings from flags, the environment and an optional config file (`key = value` lines).
//! Flags and environment win over the file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Reads a config file of `key = value` lines; `#` starts a comment.
pub fn read_file(path: &Path) -> Result<HashMap<String, String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "kan het configuratiebestand {} niet lezen: {e}",
            path.display()
        )
    })?;
    let mut map = HashMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            return Err(format!(
                "configuratiebestand {} regel {}: verwacht 'sleutel = waarde'",
                path.display(),
                n + 1
            ));
        };
        let key = k.trim().to_string();
        if !KEYS.contains(&key.as_str()) {
            return Err(format!(
                "configuratiebestand {} regel {}: onbekende sleutel '{key}' (bekend: {})",
                path.display(),
                n + 1,
                KEYS.join(", ")
            ));
        }
        map.insert(key, v.trim().trim_matches('"').to_string());
    }
    Ok(map)
}

pub const KEYS: [&str; 15] = [
    "database_url",
    "bind",
    "data_dir",
    "session_idle_minutes",
    "smtp_host",
    "smtp_port",
    "smtp_tls",
    "smtp_ca_file",
    "mail_from",
    "data_key",
    "token_days",
    "public_url",
    "tile_url",
    "tile_attribution",
    "geocoder_url",
];

/// The default database: `baken.db` in the data directory.
pub fn default_database_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("baken.db").display())
}

pub fn default_data_dir() -> PathBuf {
    PathBuf::from("./baken-data")
}
