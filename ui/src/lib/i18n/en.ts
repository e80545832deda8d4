// The English catalogue: the source of every message key. Placeholders are written `{name}`.
// Keys ending in `.one` / `.other` are plural forms, picked with `tp()`.

export const en = {
  'app.name': 'MicroCredX Wallet',
  'app.tagline': 'Your micro-credentials, checked offline',
  'app.skipToContent': 'Skip to content',

  'nav.label': 'Sections',
  'nav.wallet': 'Wallet',
  'nav.import': 'Import',
  'nav.qualifications': 'Qualifications',
  'nav.share': 'Share',
  'nav.settings': 'Settings',

  'common.retry': 'Try again',
  'common.loading': 'Loading…',
  'common.soon': 'Coming in a later version',
  'common.willDo': 'What this screen will do',

  'wallet.title': 'Your wallet',
  'wallet.loading': 'Opening your wallet…',
  'wallet.count.one': 'credential in your wallet',
  'wallet.count.other': 'credentials in your wallet',
  'wallet.listSoon':
    'Browsing your credentials one by one, with every step of their check, arrives in a later version.',
  'wallet.addMore': 'Import more credentials',

  'empty.title': 'Your wallet is empty — for now',
  'empty.intro':
    'This is your own place for the micro-credentials you earn from universities and training providers across Europe. They stay together here, on this computer.',
  'empty.benefitsLabel': 'What the wallet does for you',
  'empty.benefit.keep': 'Keep your micro-credentials from any European institution in one place, on this computer.',
  'empty.benefit.check': 'Check that each one is genuine — fully offline, with every step of the check shown.',
  'empty.benefit.stack': 'See how your credentials add up toward a qualification.',
  'empty.benefit.share': 'Share a verified portfolio with employers.',
  'empty.import': 'Import credentials',
  'empty.demo': 'Load the demo wallet',
  'empty.demoNote': 'The demo network arrives in a later version.',

  'import.title': 'Import credentials',
  'import.lead':
    'Bring in the credentials you have received, as files, whole folders or pasted text.',
  'import.point.files': 'Drop files or folders onto this screen, or choose them from your computer.',
  'import.point.paste': 'Paste the text of a credential (JSON or a JWT).',
  'import.point.check':
    'Each credential is checked offline before it is stored, and you see how every step of the check went.',
  'import.point.formats':
    'Understood formats: W3C Verifiable Credentials, Open Badges 3.0, CLR 2.0, European Digital Credentials and VC-JWT.',

  'qualifications.title': 'Qualifications',
  'qualifications.lead':
    'See how your micro-credentials add up toward a qualification that an institution publishes.',
  'qualifications.point.choose':
    'Choose a qualification and see which of its requirements your credentials already meet.',
  'qualifications.point.progress': 'Follow your progress in ECTS credits and required modules.',
  'qualifications.point.verified': 'Only credentials that passed their check count toward a qualification.',

  'share.title': 'Share',
  'share.lead': 'Put together a verified portfolio for an employer or a university.',
  'share.point.pick': 'Pick the credentials to include; everything else stays private.',
  'share.point.sign': 'Create a signed presentation, or a PDF that carries it, which anyone can check.',
  'share.point.control': 'Nothing leaves this computer until you decide to share it.',

  'settings.title': 'Settings',
  'settings.language': 'Language',
  'settings.language.hint': 'The language of every screen.',
  'settings.theme': 'Appearance',
  'settings.theme.system': 'Same as the system',
  'settings.theme.light': 'Light',
  'settings.theme.dark': 'Dark',
  'settings.wallet': 'Wallet',
  'settings.wallet.location': 'Location',
  'settings.wallet.hint':
    'Your credentials and their signed originals are kept in this folder. To use another folder, start the app with --wallet FOLDER.',
  'settings.wallet.protection': 'Protection',
  'settings.wallet.encrypted': 'Encrypted with your passphrase',
  'settings.wallet.plain': 'Not encrypted',
  'settings.wallet.notOpen': 'The wallet is not open.',
  'settings.about': 'About',
  'settings.version': 'Version',
  'settings.offline':
    'Credentials are checked on this computer, without contacting anyone: the wallet works fully offline.',

  'lang.en': 'English',
  'lang.de': 'Deutsch',

  'footer.label': 'Status',
  'footer.wallet': 'Wallet',
  'footer.opening': 'opening…',
  'footer.notOpen': 'not open',
  'footer.version': 'Version',
  'footer.offline': 'Works offline',

  'unlock.title': 'Unlock your wallet',
  'unlock.passphrase': 'Passphrase',
  'unlock.submit': 'Unlock',
  'unlock.busy': 'Unlocking…',

  'error.detail': 'Technical detail',
  'error.io':
    'The wallet could not read or write its files. Check that its folder still exists and that you may write to it.',
  'error.bad_input': 'This could not be used: it is not in a form the wallet understands.',
  'error.wallet_in_use':
    'Another program is using this wallet right now. Close it (another wallet window, or an mcx command) and try again.',
  'error.wallet_damaged': 'The wallet’s files seem to be damaged, so it could not be opened.',
  'error.not_found': 'This item is no longer in the wallet.',
  'error.locked': 'Your wallet is protected with a passphrase. Enter it to open the wallet.',
  'error.wrong_passphrase': 'That passphrase is not correct. Please try again.',
  'error.internal': 'Something went wrong inside the app. Please try again.',
  'error.ipc': 'This window could not reach the wallet program. Please restart the app.',
} as const satisfies Record<string, string>;

/** Every message key; the German catalogue must have exactly these. */
export type MessageKey = keyof typeof en;

/** A complete catalogue for one language. */
export type Catalogue = Readonly<Record<MessageKey, string>>;
