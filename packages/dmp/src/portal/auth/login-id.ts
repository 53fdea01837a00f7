import { randomInt } from 'node:crypto';

const CHECK_LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ'; // 23 letters, without I, O, Q

/**
 * A patient's login id: 10 random digits and a check letter (`4829105736K`). Random, so ids
 * cannot be guessed by counting; the letter catches most typing mistakes before any lookup.
 */
export function generateLoginId(): string {
  let digits = String(randomInt(1, 10));
  for (let i = 1; i < 10; i += 1) digits += String(randomInt(10));
  return digits + checkLetter(digits);
}

/** Whether a typed login id is well formed (10 digits and the right check letter), case-insensitive. */
export function isWellFormedLoginId(typed: string): boolean {
  const id = normaliseLoginId(typed);
  return /^\d{10}[A-Z]$/.test(id) && checkLetter(id.slice(0, 10)) === id[10];
}

/** Uppercase, without spaces. */
export function normaliseLoginId(typed: string): string {
  return typed.replace(/\s/g, '').toUpperCase();
}

function checkLetter(digits: string): string {
  return CHECK_LETTERS[Number(BigInt(digits) % 23n)]!;
}
