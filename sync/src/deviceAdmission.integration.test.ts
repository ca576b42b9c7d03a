import { describe, expect, it } from 'vitest';
import { generateDeviceKeyPair } from '@seen/shared/crypto';
import { waitFor } from '@seen/shared/testing';
import { createSyncHarness, generateRoomSecret } from './testing/testSession.ts';

// The sync layer's side of SEALED-19 and SEALED-21 through a real relay: a session vouches for a
// new device with a one-time ticket, the new session presents it until it is in, and a session
// removes a device, which then reads why.

const harness = createSyncHarness();

describe('device admission and removal through RoomSession (SEALED-19, SEALED-21)', () => {
  it('SEALED-21 a ticket from issueAdmissionTicket lets a new session into a sealed room once; without one it is refused as sealed', async () => {
    const relay = await harness.relay();
    const secret = generateRoomSecret();
    const phone = harness.open(relay.wsUrl, secret);
    const partner = harness.open(relay.wsUrl, secret);
    await Promise.all([phone.whenSynced(), partner.whenSynced()]);
    await phone.seal();
    phone.doc.getText('answer').insert(0, 'written before the new phone');
    await phone.whenSaved();

    const stranger = harness.open(relay.wsUrl, secret);
    await waitFor(() => stranger.getStatus().phase === 'refused', { what: 'the stranger refused' });
    expect(stranger.getStatus().refusal).toBe('sealed');

    const ticket = await phone.issueAdmissionTicket();
    expect(ticket).toHaveLength(16);
    // The relay handles the ticket on the phone's side chain; an escrow read after it answers once it is stored.
    await phone.readEscrow(new Uint8Array(16));
    const laptop = harness.open(relay.wsUrl, secret, { admissionTicket: ticket });
    await laptop.whenSynced();
    expect(laptop.doc.getText('answer').toString()).toBe('written before the new phone');
    // Reconnecting needs no ticket any more: the laptop is registered.
    laptop.reconnect();
    await waitFor(() => laptop.getStatus().phase === 'synced', { what: 'the laptop back' });

    const again = harness.open(relay.wsUrl, secret, { admissionTicket: ticket, device: generateDeviceKeyPair() });
    await waitFor(() => again.getStatus().phase === 'refused', { what: 'the spent ticket refused' });
    expect(again.getStatus().refusal).toBe('sealed');
  });

  it('SEALED-19 revokeDevice closes the removed session for good, with the reason it shows', async () => {
    const relay = await harness.relay();
    const secret = generateRoomSecret();
    const phone = harness.open(relay.wsUrl, secret);
    const lostDevice = generateDeviceKeyPair();
    const lost = harness.open(relay.wsUrl, secret, { device: lostDevice });
    await Promise.all([phone.whenSynced(), lost.whenSynced()]);
    await phone.revokeDevice(lostDevice.publicKey);
    await waitFor(() => lost.getStatus().phase === 'refused', { what: 'the lost device refused' });
    expect(lost.getStatus().refusal).toBe('device-removed');
    lost.reconnect();
    expect(lost.getStatus().phase).toBe('refused');
    const thief = harness.open(relay.wsUrl, secret, { device: lostDevice });
    await waitFor(() => thief.getStatus().phase === 'refused', { what: 'the same key refused again' });
    expect(thief.getStatus().refusal).toBe('device-removed');
  });
});
