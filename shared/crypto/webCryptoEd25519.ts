// Ed25519 and SHA-512 through the platform's WebCrypto where it has Ed25519 (Chromium, Firefox,
// Safari, Node ≥ 20), tweetnacl elsewhere. Same bytes either way: Ed25519 signatures (RFC 8032) are
// deterministic, so a WebCrypto signature equals tweetnacl's for the same seed and message
// (webCryptoEd25519.test.ts checks this). Why: on a phone, tweetnacl's first key pair takes
// hundreds of milliseconds of main-thread time while its code is still cold; WebCrypto takes ~1 ms.
import nacl from 'tweetnacl';
import { decodeBase64Url } from '../protocol/index.ts';

/**
 * DER prefix of a PKCS#8 OneAsymmetricKey for Ed25519 (RFC 8410 §7): version 0, algorithm
 * 1.3.101.112, then the 32-byte seed as an OCTET STRING inside the privateKey OCTET STRING.
 */
const PKCS8_ED25519_PREFIX = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20);
const SEED_BYTES = 32;

/** The part of WebCrypto's SubtleCrypto used here (shared/ is typed without the DOM library). */
interface Subtle {
  importKey(format: 'pkcs8', keyData: Uint8Array, algorithm: { name: 'Ed25519' }, extractable: boolean, usages: 'sign'[]): Promise<SigningKey>;
  importKey(format: 'raw', keyData: Uint8Array, algorithm: { name: 'Ed25519' }, extractable: boolean, usages: 'verify'[]): Promise<SigningKey>;
  verify(algorithm: 'Ed25519', key: SigningKey, signature: Uint8Array, data: Uint8Array): Promise<boolean>;
  exportKey(format: 'jwk', key: SigningKey): Promise<{ x?: unknown }>;
  sign(algorithm: 'Ed25519', key: SigningKey, data: Uint8Array): Promise<ArrayBuffer>;
  digest(algorithm: 'SHA-512', data: Uint8Array): Promise<ArrayBuffer>;
}
/** A WebCrypto CryptoKey, opaque here. */
type SigningKey = object;

function subtleOrNull(): Subtle | null {
  // Insecure contexts (plain http on a LAN address) have no crypto.subtle.
  return (globalThis as { crypto?: { subtle?: Subtle } }).crypto?.subtle ?? null;
}

function pkcs8FromSeed(seed: Uint8Array): Uint8Array {
  const der = new Uint8Array(PKCS8_ED25519_PREFIX.length + SEED_BYTES);
  der.set(PKCS8_ED25519_PREFIX);
  der.set(seed.subarray(0, SEED_BYTES), PKCS8_ED25519_PREFIX.length);
  return der;
}

let support: Promise<Subtle | null> | null = null;

/** WebCrypto's subtle if it can import an Ed25519 seed and sign with it; null otherwise (checked once). */
function ed25519Subtle(): Promise<Subtle | null> {
  support ??= (async () => {
    const subtle = subtleOrNull();
    if (subtle === null) return null;
    try {
      const key = await subtle.importKey('pkcs8', pkcs8FromSeed(new Uint8Array(SEED_BYTES)), { name: 'Ed25519' }, false, ['sign']);
      await subtle.sign('Ed25519', key, new Uint8Array(1));
      return subtle;
    } catch {
      return null;
    }
  })();
  return support;
}

/** SHA-512, as nacl.hash computes it. */
export async function sha512(bytes: Uint8Array): Promise<Uint8Array> {
  const subtle = subtleOrNull();
  if (subtle === null) return nacl.hash(bytes);
  try {
    return new Uint8Array(await subtle.digest('SHA-512', bytes));
  } catch {
    return nacl.hash(bytes);
  }
}

/** The Ed25519 key pair for a 32-byte seed, in tweetnacl's layout (secretKey = seed ‖ publicKey). */
export async function ed25519KeyPairFromSeed(seed: Uint8Array): Promise<nacl.SignKeyPair> {
  if (seed.length !== SEED_BYTES) throw new RangeError(`an Ed25519 seed is ${SEED_BYTES} bytes`);
  const subtle = await ed25519Subtle();
  if (subtle !== null) {
    try {
      const key = await subtle.importKey('pkcs8', pkcs8FromSeed(seed), { name: 'Ed25519' }, true, ['sign']);
      const jwk = await subtle.exportKey('jwk', key);
      const publicKey = typeof jwk.x === 'string' ? decodeBase64Url(jwk.x) : null;
      if (publicKey !== null && publicKey.length === 32) {
        const secretKey = new Uint8Array(64);
        secretKey.set(seed);
        secretKey.set(publicKey, SEED_BYTES);
        return { publicKey, secretKey };
      }
    } catch {
      // Fall through to tweetnacl.
    }
  }
  return nacl.sign.keyPair.fromSeed(seed);
}

/** Imported signing keys, per tweetnacl secret key: a room signs with the same keys on every reconnect. */
const signingKeys = new WeakMap<Uint8Array, Promise<SigningKey | null>>();

function signingKeyFor(subtle: Subtle, secretKey: Uint8Array): Promise<SigningKey | null> {
  let key = signingKeys.get(secretKey);
  if (key === undefined) {
    key = subtle.importKey('pkcs8', pkcs8FromSeed(secretKey.subarray(0, SEED_BYTES)), { name: 'Ed25519' }, false, ['sign']).catch(() => null);
    signingKeys.set(secretKey, key);
  }
  return key;
}

/** nacl.sign.detached(message, secretKey), through WebCrypto when it can. */
export async function ed25519SignDetached(message: Uint8Array, secretKey: Uint8Array): Promise<Uint8Array> {
  if (secretKey.length !== 64) throw new RangeError('an Ed25519 secret key is 64 bytes (seed ‖ public key)');
  const subtle = await ed25519Subtle();
  const key = subtle === null ? null : await signingKeyFor(subtle, secretKey);
  if (subtle !== null && key !== null) {
    try {
      return new Uint8Array(await subtle.sign('Ed25519', key, message));
    } catch {
      // Fall through to tweetnacl.
    }
  }
  return nacl.sign.detached(message, secretKey);
}

/**
 * nacl.sign.detached.verify(message, signature, publicKey), through WebCrypto when it can: off the
 * main thread in browsers, where tweetnacl takes ~13 ms per signature (×4 on a slow phone).
 */
export async function ed25519VerifyDetached(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  const subtle = await ed25519Subtle();
  if (subtle !== null) {
    try {
      const key = await subtle.importKey('raw', publicKey, { name: 'Ed25519' }, false, ['verify']);
      return await subtle.verify('Ed25519', key, signature, message);
    } catch {
      // Fall through to tweetnacl (a key WebCrypto refuses to import is checked the same way there).
    }
  }
  return nacl.sign.detached.verify(message, signature, publicKey);
}
