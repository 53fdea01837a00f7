import type { CarteVitaleData } from '@dmp/national';
import type { Language, OtpChannel, SignupRequest } from '../api-contract.js';
import { PortalAuthError } from './portal-auth-error.js';

/** POST /api/auth/activate: the Carte Vitale data and contact details of a signup, with the activation code a professional's office issued. */
export interface ActivationRequest extends SignupRequest {
  readonly activationCode: string;
}

/** A checked signup: the card, the contact details and the chosen channel. */
export interface SignupInput {
  readonly card: CarteVitaleData;
  readonly email: string;
  readonly phone?: string;
  readonly password: string;
  readonly otpChannel: OtpChannel;
}

/** Parses a signup body (unknown JSON) into a SignupInput, or throws `invalid-request` naming the field. */
export function parseSignup(body: unknown, language: Language): SignupInput {
  const b = isObject(body) ? body : {};
  const text = (field: string, pattern: RegExp, max = 100): string => {
    const value = b[field];
    if (typeof value !== 'string' || value.length > max || !pattern.test(value.trim())) throw PortalAuthError.invalidField(field, language);
    return value.trim();
  };
  const insuredNir = text('insuredNir', /^[12378]\d{4}(\d{2}|2A|2B)\d{8}$/i, 15).replace(/\s/g, '').toUpperCase();
  const rank = b.rank;
  if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 1 || rank > 99) throw PortalAuthError.invalidField('rank', language);
  const familyName = text('familyName', /^\p{L}[\p{L}' -]*$/u);
  const givenName = text('givenName', /^\p{L}[\p{L}' -]*$/u);
  const birthDate = text('birthDate', /^\d{4}-\d{2}-\d{2}$/, 10);
  const email = text('email', /^[^\s@]+@[^\s@]+\.[^\s@]+$/, 254).toLowerCase();
  const phone = b.phone === undefined || b.phone === null || b.phone === '' ? undefined : normalisePhone(b.phone, language);
  const otpChannel = b.otpChannel === 'sms' ? 'sms' : b.otpChannel === 'email' ? 'email' : undefined;
  if (!otpChannel || (otpChannel === 'sms' && !phone)) throw PortalAuthError.invalidField(otpChannel ? 'phone' : 'otpChannel', language);
  if (typeof b.password !== 'string') throw PortalAuthError.invalidField('password', language);
  return { card: { insuredNir, rank, familyName, givenName, birthDate }, email, ...(phone ? { phone } : {}), password: b.password, otpChannel };
}

/** A French mobile number (06/07..., +33 6/7...) in E.164. */
export function normalisePhone(value: unknown, language: Language): string {
  if (typeof value !== 'string') throw PortalAuthError.invalidField('phone', language);
  const compact = value.replace(/[\s.-]/g, '');
  const national = compact.startsWith('+33') ? compact.slice(3) : compact.startsWith('0033') ? compact.slice(4) : compact.startsWith('0') ? compact.slice(1) : '';
  if (!/^[67]\d{8}$/.test(national)) throw PortalAuthError.invalidField('phone', language);
  return `+33${national}`;
}

/** A string field of a JSON body, bounded, or throws `invalid-request`. */
export function stringField(body: unknown, field: string, language: Language, max = 200): string {
  const value = isObject(body) ? body[field] : undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > max) throw PortalAuthError.invalidField(field, language);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
