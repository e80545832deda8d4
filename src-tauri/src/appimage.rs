//! The wallet's link schemes when it runs as an AppImage. The .deb's desktop entry registers
//! them when it is installed; an AppImage is not installed, so at each start (the AppImage
//! runtime names its file in `$APPIMAGE`) the shell writes a desktop entry for that file among
//! the learner's applications (`$XDG_DATA_HOME/applications`, else
//! `~/.local/share/applications`) and makes it the handler of each scheme that has none yet,
//! or whose handler is already this entry (`xdg-mime`). A scheme another program handles (the
//! wallet installed from the .deb, say) is left to it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The schemes a clicked offer or request link uses (OpenID4VCI §4.1.1, OpenID4VP §13.1,
/// HAIP 1.0).
pub const SCHEMES: [&str; 5] = [
    "openid-credential-offer",
    "openid4vp",
    "haip",
    "haip-vci",
    "haip-vp",
];

/// The entry's file name.
pub const ENTRY: &str = "microcredx-wallet-appimage.desktop";

/// Where the learner's desktop entries and settings live.
#[derive(Debug, Clone)]
pub struct Dirs {
    /// `$XDG_DATA_HOME` (its `applications/` gets the entry).
    pub data_home: PathBuf,
    /// `$XDG_CONFIG_HOME` (`mimeapps.list`, written by `xdg-mime`).
    pub config_home: PathBuf,
}

impl Dirs {
    /// The XDG base directories of this session (XDG Base Directory Specification).
    pub fn of_session() -> Option<Dirs> {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let dir = |var: &str, fallback: &str| {
            std::env::var_os(var)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
                .or_else(|| home.as_ref().map(|h| h.join(fallback)))
        };
        Some(Dirs {
            data_home: dir("XDG_DATA_HOME", ".local/share")?,
            config_home: dir("XDG_CONFIG_HOME", ".config")?,
        })
    }
}

/// The desktop entry that opens links with the AppImage at `appimage` (Desktop Entry
/// Specification 1.5, "The Exec key": the program quoted, its reserved characters escaped
/// with a backslash, then every backslash escaped again as the string rule asks; `%` doubled).
/// `None` for a path with a control character, which no entry can hold.
pub fn desktop_entry(appimage: &Path) -> Option<String> {
    let path = appimage.to_string_lossy();
    if path.chars().any(char::is_control) {
        return None;
    }
    let mut quoted = String::from('"');
    for c in path.chars() {
        match c {
            '"' | '`' | '$' => {
                quoted.push_str("\\\\");
                quoted.push(c);
            }
            '\\' => quoted.push_str("\\\\\\\\"),
            '%' => quoted.push_str("%%"),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    let mime: String = SCHEMES
        .iter()
        .map(|s| format!("x-scheme-handler/{s};"))
        .collect();
    Some(format!(
        "[Desktop Entry]\nType=Application\nName=MicroCredX Wallet (AppImage)\nComment=Receives and presents micro-credentials from links\nExec={quoted} %u\nTerminal=false\nNoDisplay=true\nMimeType={mime}\n"
    ))
}

/// Write the entry for `appimage` under `dirs` and make it the handler of every scheme that
/// has none or already has it. Returns the schemes it handles.
pub fn register(appimage: &Path, dirs: &Dirs) -> std::io::Result<Vec<&'static str>> {
    // Who handles each scheme now, asked before this entry exists (xdg-mime would otherwise
    // name it for a scheme no other program claims).
    let mut free = Vec::new();
    for scheme in SCHEMES {
        let mime = format!("x-scheme-handler/{scheme}");
        let current = xdg(
            dirs,
            "xdg-mime",
            &["query".as_ref(), "default".as_ref(), mime.as_ref()],
        )?;
        if matches!(current.trim(), "" | ENTRY) {
            free.push(scheme);
        }
    }
    let apps = dirs.data_home.join("applications");
    std::fs::create_dir_all(&apps)?;
    let file = apps.join(ENTRY);
    let entry = desktop_entry(appimage).ok_or_else(|| {
        std::io::Error::other(
            "the AppImage's path has a control character, which a desktop entry cannot hold",
        )
    })?;
    if std::fs::read_to_string(&file).ok().as_deref() != Some(entry.as_str()) {
        // Written whole, then renamed: a desktop that reads it meanwhile sees the old or the new.
        let tmp = apps.join(format!(".{ENTRY}.tmp"));
        std::fs::write(&tmp, &entry)?;
        std::fs::rename(&tmp, &file)?;
        let _ = xdg(dirs, "update-desktop-database", &[apps.as_os_str()]);
    }
    for scheme in &free {
        let mime = format!("x-scheme-handler/{scheme}");
        xdg(
            dirs,
            "xdg-mime",
            &["default".as_ref(), ENTRY.as_ref(), mime.as_ref()],
        )?;
    }
    Ok(free)
}

/// Run an xdg-utils program in `dirs`, giving its output.
fn xdg(dirs: &Dirs, program: &str, args: &[&std::ffi::OsStr]) -> std::io::Result<String> {
    let out = Command::new(program)
        .args(args)
        .env("XDG_DATA_HOME", &dirs.data_home)
        .env("XDG_CONFIG_HOME", &dirs.config_home)
        .output()?;
    if !out.status.success() {
        return Err(std::io::Error::other(format!(
            "{program} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// At start: when running as an AppImage, register its schemes, off the window's way.
pub fn register_in_background() {
    let (Some(appimage), Some(dirs)) = (std::env::var_os("APPIMAGE"), Dirs::of_session()) else {
        return;
    };
    std::thread::spawn(move || {
        if let Err(e) = register(Path::new(&appimage), &dirs) {
            eprintln!("microcredx-wallet: the offer and request links could not be registered for this AppImage: {e}");
        }
    });
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn the_entry_quotes_the_appimage_and_lists_every_scheme() {
        let e = desktop_entry(Path::new(
            "/home/ana/Apps/Micro \"Cred\" $X \\ 100%.AppImage",
        ))
        .unwrap();
        assert!(
            e.contains(r#"Exec="/home/ana/Apps/Micro \\"Cred\\" \\$X \\\\ 100%%.AppImage" %u"#),
            "{e}"
        );
        assert_eq!(desktop_entry(Path::new("/tmp/a\nb.AppImage")), None);
        assert!(e.contains("MimeType=x-scheme-handler/openid-credential-offer;x-scheme-handler/openid4vp;x-scheme-handler/haip;x-scheme-handler/haip-vci;x-scheme-handler/haip-vp;"));
    }

    /// With xdg-utils, in a fresh home: the entry is written and handles every scheme; run
    /// again, nothing changes; a scheme another program handles is left to it.
    #[test]
    fn an_appimage_becomes_the_handler_of_the_schemes_nobody_handles() {
        if Command::new("xdg-mime").arg("--version").output().is_err() {
            eprintln!("note: xdg-mime (xdg-utils) is not installed; registration not exercised");
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        let dirs = Dirs {
            data_home: tmp.path().join("data"),
            config_home: tmp.path().join("config"),
        };
        std::fs::create_dir_all(&dirs.config_home).unwrap();
        // Another wallet handles haip:// (an association xdg-mime believes only while the
        // other program's entry is there).
        std::fs::create_dir_all(dirs.data_home.join("applications")).unwrap();
        std::fs::write(
            dirs.data_home.join("applications/other-wallet.desktop"),
            "[Desktop Entry]\nType=Application\nName=Other\nExec=/bin/true %u\nMimeType=x-scheme-handler/haip;\n",
        )
        .unwrap();
        std::fs::write(
            dirs.config_home.join("mimeapps.list"),
            "[Default Applications]\nx-scheme-handler/haip=other-wallet.desktop\n",
        )
        .unwrap();
        let img = Path::new("/opt/MicroCredX_Wallet.AppImage");
        let handled = register(img, &dirs).unwrap();
        assert_eq!(
            handled,
            [
                "openid-credential-offer",
                "openid4vp",
                "haip-vci",
                "haip-vp"
            ]
        );
        let entry =
            std::fs::read_to_string(dirs.data_home.join("applications").join(ENTRY)).unwrap();
        assert_eq!(Some(entry), desktop_entry(img));
        let list = std::fs::read_to_string(dirs.config_home.join("mimeapps.list")).unwrap();
        assert!(
            list.contains(&format!("x-scheme-handler/openid4vp={ENTRY}")),
            "{list}"
        );
        assert!(
            list.contains("x-scheme-handler/haip=other-wallet.desktop"),
            "{list}"
        );
        assert_eq!(
            register(img, &dirs).unwrap(),
            handled,
            "the same on the next start"
        );
    }
}
