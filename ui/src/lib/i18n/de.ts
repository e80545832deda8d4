// Der deutsche Katalog. Der Typ `Catalogue` verlangt genau die Schlüssel des englischen.

import type { Catalogue } from './en';

export const de: Catalogue = {
  'app.name': 'MicroCredX Wallet',
  'app.tagline': 'Ihre Micro-Credentials, offline geprüft',
  'app.skipToContent': 'Zum Inhalt springen',

  'nav.label': 'Bereiche',
  'nav.wallet': 'Wallet',
  'nav.import': 'Importieren',
  'nav.qualifications': 'Qualifikationen',
  'nav.share': 'Teilen',
  'nav.settings': 'Einstellungen',

  'common.retry': 'Erneut versuchen',
  'common.loading': 'Wird geladen …',
  'common.soon': 'Kommt in einer späteren Version',
  'common.willDo': 'Was dieser Bereich können wird',

  'wallet.title': 'Ihre Wallet',
  'wallet.loading': 'Ihre Wallet wird geöffnet …',
  'wallet.count.one': 'Nachweis in Ihrer Wallet',
  'wallet.count.other': 'Nachweise in Ihrer Wallet',
  'wallet.listSoon':
    'Ihre Nachweise einzeln ansehen, mit jedem Schritt ihrer Prüfung, können Sie in einer späteren Version.',
  'wallet.addMore': 'Weitere Nachweise importieren',

  'empty.title': 'Ihre Wallet ist noch leer',
  'empty.intro':
    'Hier sammeln Sie die Micro-Credentials, die Sie an Hochschulen und bei Bildungsanbietern in ganz Europa erwerben. Sie bleiben gemeinsam an einem Ort – auf diesem Computer.',
  'empty.benefitsLabel': 'Was die Wallet für Sie tut',
  'empty.benefit.keep':
    'Ihre Micro-Credentials von jeder europäischen Einrichtung an einem Ort aufbewahren, auf diesem Computer.',
  'empty.benefit.check':
    'Prüfen, ob jeder Nachweis echt ist – vollständig offline und mit jedem Prüfschritt sichtbar.',
  'empty.benefit.stack': 'Sehen, wie sich Ihre Nachweise zu einer Qualifikation zusammenfügen.',
  'empty.benefit.share': 'Ein geprüftes Portfolio mit Arbeitgebern teilen.',
  'empty.import': 'Nachweise importieren',
  'empty.demo': 'Demo-Wallet laden',
  'empty.demoNote': 'Das Demo-Netzwerk folgt in einer späteren Version.',

  'import.title': 'Nachweise importieren',
  'import.lead':
    'Übernehmen Sie die Nachweise, die Sie erhalten haben – als Dateien, ganze Ordner oder eingefügten Text.',
  'import.point.files':
    'Dateien oder Ordner auf diesen Bereich ziehen oder auf Ihrem Computer auswählen.',
  'import.point.paste': 'Den Text eines Nachweises einfügen (JSON oder ein JWT).',
  'import.point.check':
    'Jeder Nachweis wird offline geprüft, bevor er gespeichert wird, und Sie sehen das Ergebnis jedes Prüfschritts.',
  'import.point.formats':
    'Unterstützte Formate: W3C Verifiable Credentials, Open Badges 3.0, CLR 2.0, European Digital Credentials und VC-JWT.',

  'qualifications.title': 'Qualifikationen',
  'qualifications.lead':
    'Sehen Sie, wie sich Ihre Micro-Credentials zu einer Qualifikation zusammenfügen, die eine Einrichtung veröffentlicht.',
  'qualifications.point.choose':
    'Eine Qualifikation wählen und sehen, welche ihrer Anforderungen Ihre Nachweise bereits erfüllen.',
  'qualifications.point.progress':
    'Ihren Fortschritt in ECTS-Punkten und Pflichtmodulen verfolgen.',
  'qualifications.point.verified':
    'Nur Nachweise, deren Prüfung bestanden ist, zählen für eine Qualifikation.',

  'share.title': 'Teilen',
  'share.lead':
    'Stellen Sie ein geprüftes Portfolio für einen Arbeitgeber oder eine Hochschule zusammen.',
  'share.point.pick': 'Die Nachweise auswählen, die dazugehören; alle anderen bleiben privat.',
  'share.point.sign':
    'Eine signierte Präsentation erstellen – oder ein PDF, das sie enthält –, die jede und jeder prüfen kann.',
  'share.point.control': 'Nichts verlässt diesen Computer, bevor Sie es teilen.',

  'settings.title': 'Einstellungen',
  'settings.language': 'Sprache',
  'settings.language.hint': 'Die Sprache aller Bereiche der App.',
  'settings.theme': 'Darstellung',
  'settings.theme.system': 'Wie das System',
  'settings.theme.light': 'Hell',
  'settings.theme.dark': 'Dunkel',
  'settings.wallet': 'Wallet',
  'settings.wallet.location': 'Speicherort',
  'settings.wallet.hint':
    'Ihre Nachweise und ihre signierten Originale liegen in diesem Ordner. Für einen anderen Ordner starten Sie die App mit --wallet ORDNER.',
  'settings.wallet.protection': 'Schutz',
  'settings.wallet.encrypted': 'Mit Ihrer Passphrase verschlüsselt',
  'settings.wallet.plain': 'Nicht verschlüsselt',
  'settings.wallet.notOpen': 'Die Wallet ist nicht geöffnet.',
  'settings.about': 'Über',
  'settings.version': 'Version',
  'settings.offline':
    'Nachweise werden auf diesem Computer geprüft, ohne jemanden zu kontaktieren: Die Wallet funktioniert vollständig offline.',

  'lang.en': 'English',
  'lang.de': 'Deutsch',

  'footer.label': 'Status',
  'footer.wallet': 'Wallet',
  'footer.opening': 'wird geöffnet …',
  'footer.notOpen': 'nicht geöffnet',
  'footer.version': 'Version',
  'footer.offline': 'Funktioniert offline',

  'unlock.title': 'Wallet entsperren',
  'unlock.passphrase': 'Passphrase',
  'unlock.submit': 'Entsperren',
  'unlock.busy': 'Wird entsperrt …',

  'error.detail': 'Technische Einzelheiten',
  'error.io':
    'Die Wallet konnte ihre Dateien nicht lesen oder schreiben. Prüfen Sie, ob ihr Ordner noch existiert und Sie darin schreiben dürfen.',
  'error.bad_input': 'Das ließ sich nicht verwenden: Die Wallet versteht diese Form nicht.',
  'error.wallet_in_use':
    'Ein anderes Programm verwendet diese Wallet gerade. Schließen Sie es (ein weiteres Wallet-Fenster oder einen mcx-Befehl) und versuchen Sie es erneut.',
  'error.wallet_damaged':
    'Die Dateien der Wallet scheinen beschädigt zu sein, daher konnte sie nicht geöffnet werden.',
  'error.not_found': 'Dieser Eintrag ist nicht mehr in der Wallet.',
  'error.locked':
    'Ihre Wallet ist mit einer Passphrase geschützt. Geben Sie sie ein, um die Wallet zu öffnen.',
  'error.wrong_passphrase': 'Diese Passphrase ist nicht richtig. Bitte versuchen Sie es erneut.',
  'error.internal': 'In der App ist etwas schiefgegangen. Bitte versuchen Sie es erneut.',
  'error.ipc':
    'Dieses Fenster erreicht das Wallet-Programm nicht. Bitte starten Sie die App neu.',
};
