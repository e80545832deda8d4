// The one bridge between the interface and the Rust side. Nothing else in ui/src imports
// `@tauri-apps/api`: components call the typed functions below and catch `ApiError`.
//
// To add a command: add its row to `Commands` (argument names as the Rust parameters, in
// camelCase, which is how Tauri 2 names them on this side), then a one-line wrapper.
// Types of IPC data are generated from Rust (ts-rs) into ./bindings/: import, never redeclare.

import { invoke, type InvokeArgs } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import type { About } from './bindings/About';
import type { AnnexElement } from './bindings/AnnexElement';
import type { Audit } from './bindings/Audit';
import type { BaseSource } from './bindings/BaseSource';
import type { BindingKind } from './bindings/BindingKind';
import type { CandidateAudit } from './bindings/CandidateAudit';
import type { CatalogueItem } from './bindings/CatalogueItem';
import type { Counting } from './bindings/Counting';
import type { CredentialDetail } from './bindings/CredentialDetail';
import type { CredentialLink } from './bindings/CredentialLink';
import type { CredentialSummary } from './bindings/CredentialSummary';
import type { DemoReport } from './bindings/DemoReport';
import type { ErrorCode } from './bindings/ErrorCode';
import type { ExportReport } from './bindings/ExportReport';
import type { HolderBinding } from './bindings/HolderBinding';
import type { HolderKeys } from './bindings/HolderKeys';
import type { ImportProgress } from './bindings/ImportProgress';
import type { ImportOutcome } from './bindings/ImportOutcome';
import type { ImportReport } from './bindings/ImportReport';
import type { IpcError } from './bindings/IpcError';
import type { IssuerStanding } from './bindings/IssuerStanding';
import type { Kind } from './bindings/Kind';
import type { Lapse } from './bindings/Lapse';
import type { LapseKind } from './bindings/LapseKind';
import type { Listing } from './bindings/Listing';
import type { MicroCredential } from './bindings/MicroCredential';
import type { OldIndex } from './bindings/OldIndex';
import type { Pick } from './bindings/Pick';
import type { ReadOnlyReason } from './bindings/ReadOnlyReason';
import type { RepairReport } from './bindings/RepairReport';
import type { RequirementAudit } from './bindings/RequirementAudit';
import type { RestoreReport } from './bindings/RestoreReport';
import type { SdClaim } from './bindings/SdClaim';
import type { SelectivePresentation } from './bindings/SelectivePresentation';
import type { ShareLink } from './bindings/ShareLink';
import type { SortKey } from './bindings/SortKey';
import type { StandingKind } from './bindings/StandingKind';
import type { StartData } from './bindings/StartData';
import type { StackResult } from './bindings/StackResult';
import type { Status } from './bindings/Status';
import type { Step } from './bindings/Step';
import type { StepKind } from './bindings/StepKind';
import type { StepStatus } from './bindings/StepStatus';
import type { StoredQualification } from './bindings/StoredQualification';
import type { SuggestedItem } from './bindings/SuggestedItem';
import type { Suggestion } from './bindings/Suggestion';
import type { TrustImported } from './bindings/TrustImported';
import type { TrustKind } from './bindings/TrustKind';
import type { Verdict } from './bindings/Verdict';
import type { Verification } from './bindings/Verification';
import type { VerifierBase } from './bindings/VerifierBase';
import type { WalletSummary } from './bindings/WalletSummary';
import type { AskedClaim } from './bindings/AskedClaim';
import type { Candidate } from './bindings/Candidate';
import type { Choice } from './bindings/Choice';
import type { DcqlAnswer } from './bindings/DcqlAnswer';
import type { OfferView } from './bindings/OfferView';
import type { OfferedView } from './bindings/OfferedView';
import type { PresentReport } from './bindings/PresentReport';
import type { QueryMatch } from './bindings/QueryMatch';
import type { ReceiveReport } from './bindings/ReceiveReport';
import type { RequestView } from './bindings/RequestView';
import type { SetMatch } from './bindings/SetMatch';
import type { TrustCached } from './bindings/TrustCached';
import type { TxCodeView } from './bindings/TxCodeView';
import type { VerifierCheck } from './bindings/VerifierCheck';

export type {
  AskedClaim,
  Candidate,
  Choice,
  DcqlAnswer,
  OfferView,
  OfferedView,
  PresentReport,
  QueryMatch,
  ReceiveReport,
  RequestView,
  SetMatch,
  TrustCached,
  TxCodeView,
  VerifierCheck,
  About,
  AnnexElement,
  Audit,
  BaseSource,
  BindingKind,
  CandidateAudit,
  CatalogueItem,
  Counting,
  CredentialDetail,
  CredentialLink,
  CredentialSummary,
  DemoReport,
  ErrorCode,
  ExportReport,
  HolderBinding,
  HolderKeys,
  ImportOutcome,
  ImportProgress,
  ImportReport,
  IpcError,
  IssuerStanding,
  Kind,
  Lapse,
  LapseKind,
  Listing,
  MicroCredential,
  OldIndex,
  Pick,
  ReadOnlyReason,
  RepairReport,
  RequirementAudit,
  RestoreReport,
  SdClaim,
  SelectivePresentation,
  ShareLink,
  SortKey,
  StackResult,
  StandingKind,
  Status,
  Step,
  StepKind,
  StepStatus,
  StoredQualification,
  SuggestedItem,
  Suggestion,
  TrustImported,
  TrustKind,
  Verdict,
  Verification,
  VerifierBase,
  WalletSummary,
};

/**
 * A verification with the credentials inside a CLR or a presentation, each verified on its own.
 * Rust sends `embedded` only when there are some; until the generated `Verification` binding
 * carries the field, this is how the interface reads it.
 */
export type CheckedCredential = Verification & { embedded?: Verification[] };

/** The credentials embedded in a verification (none for a plain credential). */
export function embeddedOf(verification: Verification): readonly Verification[] {
  return (verification as CheckedCredential).embedded ?? [];
}

/** Every code an `ApiError` can carry: the Rust codes, plus `ipc` for a failure of the bridge. */
export type ApiErrorCode = ErrorCode | 'ipc';

/**
 * The codes Rust may send. A `Record` over the generated `ErrorCode`, so a code added on the
 * Rust side is a type error here until it is listed (and given a message in the catalogues).
 */
const RUST_CODES: Readonly<Record<ErrorCode, true>> = {
  io: true,
  bad_input: true,
  wallet_in_use: true,
  wallet_damaged: true,
  disk_full: true,
  read_only: true,
  not_found: true,
  locked: true,
  wrong_passphrase: true,
  exchange: true,
  internal: true,
};

/** A failed command: a stable `code` to branch on, and Rust's (English) `message` as detail. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;

  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

function isRustCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(RUST_CODES, value);
}

/** Turn whatever a rejected `invoke` produced into an `ApiError`. */
export function toApiError(rejection: unknown): ApiError {
  if (rejection instanceof ApiError) return rejection;
  if (typeof rejection === 'object' && rejection !== null) {
    const { code, message } = rejection as { code?: unknown; message?: unknown };
    if (isRustCode(code) && typeof message === 'string') return new ApiError(code, message);
  }
  return new ApiError('ipc', describe(rejection));
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Each Rust command: its arguments (`undefined` when it takes none) and its result. */
interface Commands {
  about: { args: undefined; result: About };
  wallet_summary: { args: undefined; result: WalletSummary };
  list_credentials: { args: { sort: SortKey }; result: Listing };
  list_first_page: { args: { sort: SortKey }; result: CredentialSummary[] };
  get_credential: { args: { id: string }; result: CredentialDetail };
  import_paths: { args: { paths: string[]; force: boolean }; result: ImportReport[] };
  import_text: { args: { text: string; force: boolean }; result: ImportReport[] };
  remove_credential: { args: { id: string }; result: null };
  reverify_all: { args: undefined; result: CredentialSummary[] };
  unlock_wallet: { args: { passphrase: string }; result: null };
  load_demo_wallet: { args: undefined; result: DemoReport };
  list_qualifications: { args: undefined; result: StoredQualification[] };
  stack_qualification: { args: { id: string; planned: string[] }; result: StackResult };
  export_pdf: {
    args: {
      ids: string[];
      qualification: string | null;
      path: string;
      base: string | null;
      disclose: Record<string, string[]> | null;
    };
    result: ExportReport;
  };
  export_presentation: { args: { ids: string[]; path: string }; result: ExportReport };
  export_clr: { args: { ids: string[]; qualification: string | null; path: string }; result: ExportReport };
  share_link: { args: { ids: string[]; base: string | null }; result: ShareLink };
  verifier_base: { args: { base: string | null }; result: VerifierBase };
  credential_links: { args: { ids: string[]; base: string | null }; result: CredentialLink[] };
  open_linkedin: { args: { url: string }; result: null };
  selective_claims: { args: { id: string }; result: SdClaim[] };
  selective_ids: { args: { ids: string[] }; result: string[] };
  present_selective: {
    args: { id: string; disclose: string[]; aud: string; nonce: string; path: string | null };
    result: SelectivePresentation;
  };
  selective_link: {
    args: { id: string; disclose: string[]; nonce: string; base: string | null };
    result: ShareLink;
  };
  holder_keys: { args: undefined; result: HolderKeys };
  default_export_dir: { args: undefined; result: string };
  set_passphrase: { args: { passphrase: string }; result: null };
  remove_passphrase: { args: undefined; result: null };
  lock_wallet: { args: undefined; result: null };
  repair_wallet: { args: { passphrase: string | null }; result: RepairReport };
  backup_wallet: { args: { path: string; passphrase: string }; result: number };
  restore_wallet: { args: { path: string; passphrase: string; merge: boolean }; result: RestoreReport };
  import_trust: { args: { kind: TrustKind; path: string; url: string | null }; result: TrustImported };
  choose_paths: { args: { pick: Pick }; result: string[] };
  resolve_offer: { args: { link: string }; result: OfferView };
  receive_offer: { args: { txCode: string | null }; result: ReceiveReport };
  cancel_receive: { args: undefined; result: null };
  resolve_request: { args: { link: string }; result: RequestView };
  send_presentation: { args: { chosen: Choice[] }; result: PresentReport };
  decline_request: { args: undefined; result: null };
  read_qr_image: { args: { path: string }; result: string[] };
  read_qr_screen: { args: undefined; result: string[] };
}

export type CommandName = keyof Commands;

/**
 * Commands that only read the wallet. Any other command (an import, a removal, a restore, an
 * unlock, …) may change it, and then what the core handed at start no longer describes it.
 */
const READS: ReadonlySet<CommandName> = new Set<CommandName>([
  'about',
  'wallet_summary',
  'list_credentials',
  'list_first_page',
  'get_credential',
  'list_qualifications',
  'stack_qualification',
  'default_export_dir',
  'choose_paths',
  'selective_claims',
  'selective_ids',
  'holder_keys',
  'verifier_base',
  'open_linkedin',
]);

async function call<C extends CommandName>(
  command: C,
  ...args: Commands[C]['args'] extends undefined ? [] : [Commands[C]['args']]
): Promise<Commands[C]['result']> {
  if (!READS.has(command)) forgetStart();
  try {
    return await invoke<Commands[C]['result']>(command, args[0] as InvokeArgs | undefined);
  } catch (rejection) {
    throw toApiError(rejection);
  }
}

/** The product name and version. */
export const about = (): Promise<About> => call('about');

/**
 * What the core handed the page with the page itself (see `start_script` in src-tauri): the
 * wallet summary and the first page of the list, each used once, for the first screen.
 */
const start: { summary?: StartData['summary']; page?: CredentialSummary[]; link?: string } = (() => {
  const data = (globalThis as { __MCX_START__?: StartData }).__MCX_START__;
  if (!data) return {};
  return data.link ? { summary: data.summary, page: data.page, link: data.link } : { summary: data.summary, page: data.page };
})();

/**
 * The exchange link the app was started with (an offer or request link the learner clicked),
 * once; `null` afterwards or when there was none.
 */
export function startLink(): string | null {
  const link = start.link ?? null;
  delete start.link;
  return link;
}

/** The wallet may have changed: what was handed at start is stale from now on. */
function forgetStart(): void {
  delete start.summary;
  delete start.page;
}

/** Where the wallet lives and how many credentials it holds. */
export const walletSummary = async (): Promise<WalletSummary> => {
  const handed = start.summary;
  if (handed) {
    delete start.summary;
    if ('Ok' in handed) return handed.Ok;
    throw toApiError(handed.Err);
  }
  return call('wallet_summary');
};

/** Every credential's summary row, sorted, with the wallet's totals (verified ECTS). */
export const listCredentials = (sort: SortKey): Promise<Listing> =>
  call('list_credentials', { sort });

/** `limit` rows of a listing from `offset`; the first page is ready at once, even in a large wallet. */
export const firstPage = async (sort: SortKey): Promise<CredentialSummary[]> => {
  const handed = start.page;
  delete start.page;
  // The core hands the page in date order, the list's default.
  if (handed && sort === 'date') return handed;
  return call('list_first_page', { sort });
};

/** One credential in full, with its signed original as text. */
export const getCredential = (id: string): Promise<CredentialDetail> =>
  call('get_credential', { id });

/** Import files and folders (recursively). `force` keeps items that did not verify. */
export const importPaths = (paths: string[], force = false): Promise<ImportReport[]> =>
  call('import_paths', { paths, force });

/** Import pasted text (JSON or a JWT). */
export const importText = (text: string, force = false): Promise<ImportReport[]> =>
  call('import_text', { text, force });

/** Remove a credential from the wallet. */
export const removeCredential = async (id: string): Promise<void> => {
  await call('remove_credential', { id });
};

/** Re-check every credential now; returns the refreshed list. */
export const reverifyAll = (): Promise<CredentialSummary[]> => call('reverify_all');

/** Load the bundled demo network and the demo learner's credentials. */
export const loadDemoWallet = (): Promise<DemoReport> => call('load_demo_wallet');

/** The qualifications whose rules are in the wallet, with whether their signature verified. */
export const listQualifications = (): Promise<StoredQualification[]> => call('list_qualifications');

/**
 * Count the wallet's credentials toward a qualification: the audit, requirement by requirement.
 * `planned` catalogue offers (by id) are counted as if held: a what-if.
 */
export const stackQualification = (id: string, planned: string[] = []): Promise<StackResult> =>
  call('stack_qualification', { id, planned });

/**
 * Save a PDF portfolio (with the signed presentation attached) of the credentials `ids`; its
 * QR codes point to the verifier page `base` (as for `shareLink`). An SD-JWT VC among them is
 * attached beside the presentation with the claims `disclose` names for it (by wallet id),
 * else with every claim.
 */
export const exportPdf = (
  ids: string[],
  qualification: string | null,
  path: string,
  base: string | null = null,
  disclose: Record<string, string[]> | null = null,
): Promise<ExportReport> => call('export_pdf', { ids, qualification, path, base, disclose });

/** Save the signed presentation of the credentials `ids`. */
export const exportPresentation = (ids: string[], path: string): Promise<ExportReport> =>
  call('export_presentation', { ids, path });

/** Save a CLR 2.0 learner record of the credentials `ids`. */
export const exportClr = (ids: string[], qualification: string | null, path: string): Promise<ExportReport> =>
  call('export_clr', { ids, qualification, path });

/** The share link of the credentials `ids` (and its QR code when it fits). */
export const shareLink = (ids: string[], base: string | null): Promise<ShareLink> =>
  call('share_link', { ids, base });

/**
 * Where share links point, for the address given in Settings (`null`: none given): that
 * address, else the verifier page the network's registry names, else the page installed
 * beside the app. Fails when there is no page at all.
 */
export const verifierBase = (base: string | null): Promise<VerifierBase> => call('verifier_base', { base });

/**
 * Each credential's own verification link and LinkedIn's "add certification" address for it,
 * or why there is none (`base` as for `shareLink`).
 */
export const credentialLinks = (ids: string[], base: string | null): Promise<CredentialLink[]> =>
  call('credential_links', { ids, base });

/**
 * Open LinkedIn's add-to-profile page in the system browser. The Rust side refuses any other
 * address; the app calls no LinkedIn API.
 */
export const openLinkedin = async (url: string): Promise<void> => {
  await call('open_linkedin', { url });
};

/** Which of the credentials `ids` let the learner choose the claims a verifier sees. */
export const selectiveIds = (ids: string[]): Promise<string[]> => call('selective_ids', { ids });

/**
 * Every claim of the credential `id` (an SD-JWT VC, or one with an ecdsa-sd-2023 base proof),
 * with whether the learner may withhold it.
 */
export const selectiveClaims = (id: string): Promise<SdClaim[]> => call('selective_claims', { id });

/**
 * A presentation of the credential `id` for the verifier `aud` and its code `nonce`, showing
 * the claims at `disclose` (and what they need): an SD-JWT VC with a key-binding JWT by the
 * wallet's P-256 holder key, an ecdsa-sd-2023 credential derived in a W3C presentation by the
 * Ed25519 holder key; also saved to `path` when one is given.
 */
export const presentSelective = (
  id: string,
  disclose: string[],
  aud: string,
  nonce: string,
  path: string | null = null,
): Promise<SelectivePresentation> => call('present_selective', { id, disclose, aud, nonce, path });

/**
 * A share link of the credential `id` showing the claims at `disclose`, for the verifier page
 * (`base` as for `shareLink`), with the code `nonce` (an SD-JWT VC's presentation names the
 * page as its audience); with its QR code when it fits.
 */
export const selectiveLink = (id: string, disclose: string[], nonce: string, base: string | null): Promise<ShareLink> =>
  call('selective_link', { id, disclose, nonce, base });

/** The learner's public holder keys: Ed25519 (W3C presentations) and P-256 (SD-JWT VC). */
export const holderKeys = (): Promise<HolderKeys> => call('holder_keys');

/** The folder exports are saved to unless the learner picks another. */
export const defaultExportDir = (): Promise<string> => call('default_export_dir');

/** Encrypt the wallet with a passphrase, or change it. */
export const setPassphrase = async (passphrase: string): Promise<void> => {
  await call('set_passphrase', { passphrase });
};

/** Store the wallet unencrypted again. */
export const removePassphrase = async (): Promise<void> => {
  await call('remove_passphrase');
};

/**
 * Rebuild a damaged wallet's index from its stored originals; the wallet is open afterwards.
 * An encrypted wallet needs its passphrase: without it this fails with `locked`.
 */
export const repairWallet = (passphrase: string | null): Promise<RepairReport> =>
  call('repair_wallet', { passphrase });

/** Close the encrypted wallet now; its passphrase opens it again. */
export const lockWallet = async (): Promise<void> => {
  await call('lock_wallet');
};

/** Write one encrypted backup file; returns how many credentials it holds. */
export const backupWallet = (path: string, passphrase: string): Promise<number> =>
  call('backup_wallet', { path, passphrase });

/** Restore a backup into an empty wallet, or merge it into this one. */
export const restoreWallet = (path: string, passphrase: string, merge: boolean): Promise<RestoreReport> =>
  call('restore_wallet', { path, passphrase, merge });

/** Import trust data (registry, status list, DID document, catalogue) from a file. */
export const importTrust = (kind: TrustKind, path: string, url: string | null = null): Promise<TrustImported> =>
  call('import_trust', { kind, path, url });

/** Ask the learner for files, a folder or a place to save with the system's dialog; `[]` if cancelled. */
export const choosePaths = (pick: Pick): Promise<string[]> => call('choose_paths', { pick });

/** Open an encrypted wallet with its passphrase. */
export const unlockWallet = async (passphrase: string): Promise<void> => {
  await call('unlock_wallet', { passphrase });
};

/**
 * Stop following an event (its listener, or the promise of one) when the page or the task
 * that followed it is done; a listener that cannot be removed any more is no matter.
 */
export function stopListening(listener: Promise<UnlistenFn | null> | UnlistenFn | null): void {
  void Promise.resolve(listener)
    .then((unlisten) => unlisten?.())
    .catch(() => null);
}

/** Follow the address of a login at an issuer, as the browser is asked to open it. */
export async function onLoginAddress(handler: (url: string) => void): Promise<UnlistenFn> {
  try {
    return await listen<string>('login-address', (event) => handler(event.payload));
  } catch (rejection) {
    throw toApiError(rejection);
  }
}

/** Follow links clicked while the app is open (a second start hands them over). */
export async function onOpenLink(handler: (link: string) => void): Promise<UnlistenFn> {
  try {
    return await listen<string>('open-link', (event) => handler(event.payload));
  } catch (rejection) {
    throw toApiError(rejection);
  }
}

/** Follow the `import-progress` event; call the returned function to stop. */
export async function onImportProgress(
  handler: (progress: ImportProgress) => void,
): Promise<UnlistenFn> {
  try {
    return await listen<ImportProgress>('import-progress', (event) => handler(event.payload));
  } catch (rejection) {
    throw toApiError(rejection);
  }
}

/**
 * Follow files and folders dropped on the window: `over` while something is dragged over it,
 * `paths` when it is dropped. Call the returned function to stop.
 */
export async function onFileDrop(handler: (drop: { over: boolean; paths: string[] }) => void): Promise<UnlistenFn> {
  try {
    return await getCurrentWebview().onDragDropEvent((event) => {
      const p = event.payload;
      if (p.type === 'drop') handler({ over: false, paths: p.paths });
      else handler({ over: p.type !== 'leave', paths: [] });
    });
  } catch (rejection) {
    throw toApiError(rejection);
  }
}

/** Read a credential offer (a link or its JSON) and what the issuer offers. Contacts the issuer. */
export const resolveOffer = (link: string): Promise<OfferView> => call('resolve_offer', { link });

/** Receive the offer read last; every credential is verified and imported as a file is. */
export const receiveOffer = (txCode: string | null): Promise<ReceiveReport> =>
  call('receive_offer', { txCode });

/** Stop the offer being received: a login waiting in the browser ends at once, nothing kept. */
export const cancelReceive = async (): Promise<void> => {
  await call('cancel_receive');
};

/** Read a verifier's request, check who sent it, and find what answers it. Sends nothing. */
export const resolveRequest = (link: string): Promise<RequestView> => call('resolve_request', { link });

/** Send the chosen credentials to the verifier of the request read last. */
export const sendPresentation = (chosen: Choice[]): Promise<PresentReport> =>
  call('send_presentation', { chosen });

/** Tell the verifier of the request read last that the learner declined. */
export const declineRequest = async (): Promise<void> => {
  await call('decline_request');
};

/** The texts of the QR codes in a PNG picture. */
export const readQrImage = (path: string): Promise<string[]> => call('read_qr_image', { path });
/** The QR codes on the screen around the pointer, the nearest first. */
export const readQrScreen = (): Promise<string[]> => call('read_qr_screen');
