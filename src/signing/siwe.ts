// Sign-In with Ethereum (EIP-4361) messages in personal_sign: a phishing site can ask the owner to
// sign a sign-in message for another site and log in there as the owner. The wallet knows the real
// origin (from the browser's sender), so it compares it with the domain and URI the message names,
// and the address with the owner's account. Pure logic; the approval window shows the warnings.
import { isAddress, isAddressEqual, type Address } from 'viem';

export interface SiweMessage {
  /** The scheme before the domain ("https"), when the message gives one. */
  scheme?: string;
  /** RFC 3986 authority the message is for: host, optionally with a port. */
  domain: string;
  /** The address line as written (it may not be a valid address). */
  address: string;
  uri?: string;
  chainId?: number;
}

const PREAMBLE = ' wants you to sign in with your Ethereum account:';
const HEADER = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):\/\/)?(\S+) wants you to sign in with your Ethereum account:$/;

/**
 * Reads the fields the wallet checks from an EIP-4361 message, or undefined when the text is not a
 * sign-in message. The header may come after other lines (a message that hides it lower down is
 * still a sign-in request to whoever verifies it loosely).
 */
export function parseSiweMessage(text: string): SiweMessage | undefined {
  const lines = text.split(/\r?\n/);
  const at = lines.findIndex((line) => line.endsWith(PREAMBLE));
  if (at === -1) return undefined;
  const header = HEADER.exec(lines[at]!);
  if (!header) return undefined;
  const message: SiweMessage = { domain: header[2]!, address: (lines[at + 1] ?? '').trim() };
  if (header[1]) message.scheme = header[1].toLowerCase();
  for (const line of lines.slice(at + 2)) {
    if (line.startsWith('URI: ') && message.uri === undefined) message.uri = line.slice(5).trim();
    else if (line.startsWith('Chain ID: ') && message.chainId === undefined && /^[0-9]{1,15}$/.test(line.slice(10).trim())) message.chainId = Number(line.slice(10).trim());
  }
  return message;
}

/** host[:port] of an authority, without user info, lower-case; default ports dropped as URL does. */
function authorityHost(authority: string, scheme: string): string | undefined {
  try {
    return new URL(`${scheme}//${authority.replace(/^[^@/]*@/, '')}`).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Plain-words warnings for a sign-in message coming from `origin` (the browser's sender origin) for
 * the owner's `account`: another domain or URI means another site would receive the login.
 */
export function siweWarnings(message: SiweMessage, context: { origin: string; account?: Address }): string[] {
  const warnings: string[] = [];
  let origin: URL | undefined;
  try {
    origin = new URL(context.origin);
  } catch {
    origin = undefined;
  }
  const protocol = origin?.protocol ?? 'https:';
  const host = authorityHost(message.domain, message.scheme ? `${message.scheme}:` : protocol);
  const schemeDiffers = message.scheme !== undefined && `${message.scheme}:` !== protocol;
  if (!origin || host !== origin.host.toLowerCase() || schemeDiffers) {
    warnings.push(`This sign-in request is for ${message.domain}, but it comes from ${context.origin}: it may be a phishing attempt.`);
  } else if (message.uri !== undefined) {
    let uriHost: string | undefined;
    try {
      const uri = new URL(message.uri);
      uriHost = /^(https?|wss?):$/.test(uri.protocol) ? uri.host.toLowerCase() : undefined;
    } catch {
      uriHost = undefined;
    }
    if (uriHost !== undefined && uriHost !== origin.host.toLowerCase()) {
      warnings.push(`This sign-in request is for ${message.uri}, but it comes from ${context.origin}: it may be a phishing attempt.`);
    }
  }
  if (!isAddress(message.address, { strict: false })) {
    warnings.push(`This sign-in request does not name a valid account address ("${message.address.slice(0, 50)}").`);
  } else if (context.account && !isAddressEqual(message.address, context.account)) {
    warnings.push(`This sign-in request is for the account ${message.address}, which is not yours (${context.account}).`);
  }
  return warnings;
}
