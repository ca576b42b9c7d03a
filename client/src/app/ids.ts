import { encodeBase64Url } from '@seen/shared/protocol';

/** A random id for members, own cards and room seeds: 96 bits, URL-safe. */
export function randomId(bytes = 12): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}
