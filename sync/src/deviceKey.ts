import { generateDeviceKeyPair as generateKeyPair } from '@seen/shared/crypto';
import type { DeviceKeyPair } from './publicTypes.ts';

/** A new Ed25519 key for this device. Keep it (and pass it as `device`) to be the same device next time. */
export function generateDeviceKeyPair(): DeviceKeyPair {
  return generateKeyPair();
}
