//! The MicroCredX Wallet desktop shell: opens the window and adapts core functions to IPC.
//! No domain logic lives here; every command is a few lines over the `microcredx` library.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod appimage;
mod commands;
mod ipc;
mod screen;
mod state;

#[cfg(test)]
mod bindings;

/// Look for links a second start left for this app (twice a second) and open each on the
/// screen it belongs to, bringing the window to the front.
fn watch_links(window: tauri::WebviewWindow, dir: std::path::PathBuf) {
    use tauri::Emitter;
    std::thread::spawn(move || loop {
        std::thread::sleep(std::time::Duration::from_millis(500));
        for link in state::take_links(&dir) {
            let _ = window.unminimize();
            let _ = window.set_focus();
            if window.emit("open-link", link).is_err() {
                return; // the window is gone
            }
        }
    });
}

fn main() {
    appimage::register_in_background();
    let state = state::AppState::open(state::wallet_arg(std::env::args_os()));
    let link = state::link_arg(std::env::args_os());
    // A link clicked while the app is already open on this wallet goes to that app: this
    // second start leaves it there and ends.
    if let (Some(link), Some(dir)) = (&link, state.in_use()) {
        match state::hand_over(&dir, link) {
            Ok(()) => {
                eprintln!(
                    "MicroCredX Wallet is already open on {}: the link was handed to it.",
                    dir.display()
                );
                return;
            }
            Err(e) => eprintln!("could not hand the link to the open wallet: {e}"),
        }
    }
    let start = commands::start_script(&state, link);
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        // Opens LinkedIn's add-to-profile page in the browser, from the app's own command
        // only (no permission is granted to the page).
        .plugin(tauri_plugin_opener::init())
        .manage(state)
        .manage(commands::ExchangeState::default())
        .setup(move |app| {
            // The window is made here (`create: false` in tauri.conf.json) to hand the page what
            // it shows first.
            let config = app
                .config()
                .app
                .windows
                .iter()
                .find(|w| w.label == "main")
                .cloned()
                .ok_or("tauri.conf.json has no window labelled main")?;
            let window = tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?
                .initialization_script(start)
                .build()?;
            use tauri::Manager;
            if let Some(dir) = app.state::<state::AppState>().held_dir() {
                watch_links(window, dir);
            }
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::about,
            commands::wallet_summary,
            commands::holder_keys,
            commands::list_credentials,
            commands::list_first_page,
            commands::get_credential,
            commands::import_paths,
            commands::import_text,
            commands::remove_credential,
            commands::reverify_all,
            commands::unlock_wallet,
            commands::load_demo_wallet,
            commands::list_qualifications,
            commands::import_qualification,
            commands::stack_qualification,
            commands::export_pdf,
            commands::export_presentation,
            commands::export_clr,
            commands::share_link,
            commands::verifier_base,
            commands::credential_links,
            commands::open_linkedin,
            commands::selective_claims,
            commands::selective_ids,
            commands::present_selective,
            commands::selective_link,
            commands::default_export_dir,
            commands::set_passphrase,
            commands::remove_passphrase,
            commands::lock_wallet,
            commands::repair_wallet,
            commands::backup_wallet,
            commands::restore_wallet,
            commands::import_trust,
            commands::choose_paths,
            commands::resolve_offer,
            commands::receive_offer,
            commands::cancel_receive,
            commands::resolve_request,
            commands::send_presentation,
            commands::decline_request,
            commands::read_qr_image,
            commands::read_qr_screen,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("microcredx-wallet: could not start the window: {e}");
        std::process::exit(1);
    }
}
