/**
 * The one client of the portal backend (`/api`, same origin). Every call goes through `request`:
 * cookies of the same origin only, JSON in and out, the CSRF token on every state-changing
 * request, and a PortalError (or a network error) thrown as ApiError.
 */
import type {
  AccessChange,
  AccessSettings,
  DirectorySearchResult,
  DocumentList,
  DocumentView,
  EntryKind,
  HistoryPage,
  Language,
  LanguageRequest,
  LoginChallenge,
  LoginRequest,
  NewEntry,
  NotificationPreferences,
  OtpRequest,
  PortalError,
  RecordSummary,
  SessionInfo,
  SignupRequest,
  SignupResponse,
  StructuredEntry,
  TotpConfirmRequest,
  TotpSetup,
  UploadResponse,
} from '../../dmp/src/portal/api-contract.js';

export type * from '../../dmp/src/portal/api-contract.js';

/** A file's content as base64 (for the upload's JSON body). */
export function fileToBase64(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('read failed'));
    reader.readAsDataURL(file);
  });
}

export class ApiError extends Error {
  readonly status: number;
  readonly error: PortalError;
  constructor(status: number, error: PortalError) {
    super(error.message);
    this.status = status;
    this.error = error;
  }
}

let csrfToken: string | undefined;
let language = 'fr';
let onUnauthorised: (() => void) | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}
export function setApiLanguage(lang: string): void {
  language = lang;
}
let onActivity: (() => void) | undefined;
/** Called after each answered request: the server counts the session's idle time from it. */
export function setOnActivity(f: (() => void) | undefined): void {
  onActivity = f;
}
/** Called when a request answers 401 while a session was thought open (expired session). */
export function setOnUnauthorised(f: (() => void) | undefined): void {
  onUnauthorised = f;
}

function isPortalError(v: unknown): v is PortalError {
  return typeof v === 'object' && v !== null && typeof (v as { code?: unknown }).code === 'string' && typeof (v as { message?: unknown }).message === 'string';
}

type Query = Record<string, string | number | undefined>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

async function request<T>(method: string, path: string, opts: { body?: unknown; query?: Query } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'accept-language': language };
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let body: BodyInit | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(withQuery(`/api${path}`, opts.query), { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, { code: 'network', message: '' });
  }
  const text = await res.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (res.ok) onActivity?.();
  if (!res.ok) {
    if (res.status === 401 && path !== '/session' && !path.startsWith('/auth/')) onUnauthorised?.();
    throw new ApiError(res.status, isPortalError(json) ? json : { code: `http-${res.status}`, message: '' });
  }
  return json as T;
}

const rec = (ins: string): string => `/records/${encodeURIComponent(ins)}`;

export interface DocumentFilters {
  part?: string;
  type?: string;
  author?: string;
  from?: string;
  to?: string;
  q?: string;
  offset?: number;
  count?: number;
}

export interface HistoryFilters {
  person?: string;
  document?: string;
  kind?: string;
  cursor?: string;
}

export const api = {
  // session and accounts
  session: (): Promise<SessionInfo> => request('GET', '/session'),
  signup: (body: SignupRequest): Promise<SignupResponse> => request('POST', '/auth/signup', { body }),
  login: (body: LoginRequest): Promise<LoginChallenge> => request('POST', '/auth/login', { body }),
  otp: (body: OtpRequest): Promise<SessionInfo> => request('POST', '/auth/otp', { body }),
  /** POST /api/auth/activate: the signup fields plus the activation code of a record a professional created. */
  activate: (body: SignupRequest & { activationCode: string }): Promise<SignupResponse> => request('POST', '/auth/activate', { body }),
  /** POST /api/auth/logout (not in the contract file; served by the backend). */
  logout: (): Promise<void> => request('POST', '/auth/logout', { body: {} }),
  /** POST /api/auth/logout-all (not in the contract file; served by the backend). */
  logoutEverywhere: (): Promise<void> => request('POST', '/auth/logout-all', { body: {} }),
  /** POST /api/auth/password-reset { loginId } (not in the contract file; served by the backend). */
  passwordReset: (loginId: string): Promise<void> => request('POST', '/auth/password-reset', { body: { loginId } }),
  /** POST /api/auth/password-reset/confirm { token, password }: the token comes from the e-mailed link (#jeton=...). */
  confirmPasswordReset: (token: string, password: string): Promise<void> => request('POST', '/auth/password-reset/confirm', { body: { token, password } }),

  /** PUT /api/account/language: kept on the account (the portal's and the messages' language). */
  setLanguage: (language: Language): Promise<void> => request('PUT', '/account/language', { body: { language } satisfies LanguageRequest }),
  /** POST /api/auth/totp/setup: a new authenticator-app secret, pending until confirmed. */
  totpSetup: (): Promise<TotpSetup> => request('POST', '/auth/totp/setup', { body: {} }),
  /** POST /api/auth/totp/confirm: from then on sign-in asks for the app's code. */
  totpConfirm: (code: string): Promise<void> => request('POST', '/auth/totp/confirm', { body: { code } satisfies TotpConfirmRequest }),

  // the record
  summary: (ins: string): Promise<RecordSummary> => request('GET', `${rec(ins)}/summary`),
  documents: (ins: string, filters: DocumentFilters): Promise<DocumentList> => request('GET', `${rec(ins)}/documents`, { query: { ...filters } }),
  view: (ins: string, id: string): Promise<DocumentView> => request('GET', `${rec(ins)}/documents/${encodeURIComponent(id)}/view`),
  /** The backend takes the file as JSON: { title, type, mimeType, data (base64) }. */
  upload: (ins: string, body: { title: string; type: string; mimeType: string; data: string }): Promise<UploadResponse> => request('POST', `${rec(ins)}/documents`, { body }),
  setMasked: (ins: string, id: string, maskedFromProfessionals: boolean): Promise<unknown> =>
    request('PATCH', `${rec(ins)}/documents/${encodeURIComponent(id)}`, { body: { maskedFromProfessionals } }),

  // structured entries
  entries: (ins: string, kind: EntryKind): Promise<StructuredEntry[]> => request('GET', `${rec(ins)}/entries`, { query: { kind } }),
  createEntry: (ins: string, entry: NewEntry): Promise<StructuredEntry> => request('POST', `${rec(ins)}/entries`, { body: entry }),
  updateEntry: (ins: string, id: string, entry: NewEntry): Promise<StructuredEntry> => request('PUT', `${rec(ins)}/entries/${encodeURIComponent(id)}`, { body: entry }),
  deleteEntry: (ins: string, id: string): Promise<unknown> => request('DELETE', `${rec(ins)}/entries/${encodeURIComponent(id)}`),

  // the patient's controls
  access: (ins: string): Promise<AccessSettings> => request('GET', `${rec(ins)}/access`),
  changeAccess: (ins: string, change: AccessChange): Promise<AccessSettings | undefined> => request('POST', `${rec(ins)}/access`, { body: change }),
  directory: (q: { q?: string; profession?: string; city?: string; rpps?: string }): Promise<DirectorySearchResult> => request('GET', '/directory', { query: q }),

  // history
  history: (ins: string, filters: HistoryFilters): Promise<HistoryPage> => request('GET', `${rec(ins)}/history`, { query: { ...filters } }),

  // notifications: GET/PUT /api/records/:ins/notifications (path not in the contract file; served by the backend)
  notifications: (ins: string): Promise<NotificationPreferences> => request('GET', `${rec(ins)}/notifications`),
  setNotifications: (ins: string, prefs: NotificationPreferences): Promise<NotificationPreferences | undefined> => request('PUT', `${rec(ins)}/notifications`, { body: prefs }),
};
