import { useEffect, useMemo, useState } from 'react';
import type { RoomSecret } from '@seen/shared/crypto';
import { isRoomInitialised, RootKey, rootMap, type CardRef } from '@seen/shared/doc';
import type { AnswerVault, RoomDevice, VaultState } from '@seen/shared/seal';
import type { RoomSession } from '@seen/sync';
import { AnswerRelease, sealedAnswerWriter, vaultFor } from '../app/answerRelease.ts';
import { clearAnswerWriter, type AnswerWriter } from '../app/roomActions.ts';
import { runWhenIdle } from '../app/runWhenIdle.ts';
import { useDocVersion } from './useDocVersion.ts';
import type { RoomView, SessionView } from '../app/roomView.ts';

export interface SealedAnswers {
  readonly vault: AnswerVault;
  readonly writer: AnswerWriter;
  readonly release: AnswerRelease;
  /** 'waiting-for-own-device' until one of the member's devices approves this one (SEALED-7). */
  readonly enrolled: VaultState | 'loading';
  /** Devices asking to join as an existing member: shown with their code to approve (SEALED-7). */
  readonly pending: readonly RoomDevice[];
  /** Changes when the escrow listed deposits the document does not show (SEALED-17). */
  readonly depositsVersion: number;
  /** The room's signatures are checked (off the main thread): the vault reads without Ed25519 work. */
  readonly prepared: boolean;
}

/** A number that changes whenever the device list, its removals or the member keys change (not at every keystroke). */
function useDeviceListVersion(session: RoomSession): number {
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const maps = [rootMap(session.doc, RootKey.Devices), rootMap(session.doc, RootKey.MemberKeys), rootMap(session.doc, RootKey.Removals)];
    const bump = () => setVersion((current) => current + 1);
    for (const map of maps) map.observe(bump);
    return () => maps.forEach((map) => map.unobserve(bump));
  }, [session]);
  return version;
}

/** The longest one X25519 step of the warm-up waits for an idle moment. */
const WARM_BOXES_WITHIN_MS = 5_000;

function cardRefs(session: SessionView | null): CardRef[] {
  return session ? session.cards.map((card) => ({ session: card.session, cardId: card.cardId })) : [];
}

/** The cards whose keys may still move: the open session's and the last closed one's. */
function activeCards(view: RoomView): CardRef[] {
  return [...cardRefs(view.openSession), ...cardRefs(view.lastClosed)];
}

/** The cards of the last closed session: their passes are final (SEALED-20). */
function closedCards(view: RoomView): CardRef[] {
  return cardRefs(view.lastClosed);
}

/**
 * This device's sealed answers for one room (SPEC SEALED-6..12): the vault, the answer writer the
 * actions use, the device's place on the device list, and the release of keys — peer release after
 * every change, the relay's escrow after every (re)connection and escrow notice.
 */
export function useSealedAnswers(options: { session: RoomSession; memberId: string; deviceKey: string; secret: RoomSecret; ready: boolean; connected: boolean }): SealedAnswers {
  const { session, memberId, deviceKey, secret, connected } = options;
  const vault = useMemo(() => vaultFor(session, memberId, deviceKey), [session, memberId, deviceKey]);
  const release = useMemo(() => new AnswerRelease(session, vault, secret), [session, vault, secret]);
  const writer = useMemo(() => sealedAnswerWriter(vault, release, clearAnswerWriter(session.doc)), [vault, release, session]);
  const version = useDeviceListVersion(session);
  // Signatures checked through WebCrypto once the room's content is here (from this device's copy,
  // or for a new device from the relay), before the room is first drawn. Signatures that arrive
  // later (a partner's answer) are checked when read, one at a time.
  const docVersion = useDocVersion(session.doc);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- docVersion is the doc's change counter
  const initialised = useMemo(() => isRoomInitialised(session.doc), [session, docVersion]);
  const [preparedVault, setPreparedVault] = useState<AnswerVault | null>(null);
  useEffect(() => {
    if (!options.ready || !initialised) return;
    let cancelled = false;
    let cancelWarm = (): void => undefined;
    const done = (): void => {
      if (cancelled) return;
      setPreparedVault(vault);
      // The X25519 steps with the room's devices, once the page is idle: sharing and the reveal
      // then box and open with cached keys (SEALED-8), and the first draw never pays for them.
      const warm = (): void => {
        if (vault.warmNextBox()) cancelWarm = runWhenIdle(warm, WARM_BOXES_WITHIN_MS, 0);
      };
      cancelWarm = runWhenIdle(warm, WARM_BOXES_WITHIN_MS, 0);
    };
    vault.prepare().then(done, done);
    return () => {
      cancelled = true;
      cancelWarm();
    };
  }, [vault, options.ready, initialised]);
  const prepared = preparedVault === vault;
  const ready = options.ready && prepared;
  // eslint-disable-next-line react-hooks/exhaustive-deps -- version counts changes to the device list
  const enrolled = useMemo<VaultState | 'loading'>(() => (ready ? vault.enrollState() : 'loading'), [vault, ready, version]);

  // On the device list, with the member secret, once the stored copy and the relay's have arrived
  // (so that a device never makes a second secret for a member whose devices it has not seen yet).
  // What it writes changes the device list, and with it `enrolled`.
  useEffect(() => {
    if (ready && (connected || vault.secretBoxed())) vault.enroll(Date.now());
  }, [vault, ready, connected, version]);

  // A removal (made here or on another device) reaches the relay on every connection (SEALED-19).
  useEffect(() => {
    if (prepared && connected) void release.revokeRemoved();
  }, [release, prepared, connected, version]);

  const pending = useMemo(
    () => (enrolled === 'ready' ? vault.devices.pending() : []),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- version counts changes to the device list
    [vault, enrolled, version],
  );

  const [depositsVersion, setDepositsVersion] = useState(0);
  useEffect(() => vault.onDeposits(() => setDepositsVersion((current) => current + 1)), [vault]);

  return useMemo(() => ({ vault, writer, release, enrolled, pending, depositsVersion, prepared }), [vault, writer, release, enrolled, pending, depositsVersion, prepared]);
}

/** Keeps keys moving for the view's cards: on every change, on every connection, on every escrow notice. */
export function useAnswerRelease(sealed: SealedAnswers, session: RoomSession, view: RoomView, connected: boolean): void {
  const { release } = sealed;
  const cards = useMemo(() => activeCards(view), [view]);
  const closed = useMemo(() => closedCards(view), [view]);
  const memberIds = useMemo(() => view.members.map((member) => member.id), [view.members]);
  useEffect(() => {
    if (connected) release.reconnected();
  }, [release, connected]);
  useEffect(() => {
    if (sealed.enrolled !== 'ready' || !connected) return;
    void release.settle(cards, memberIds).then(() => release.declinePassed(closed));
  }, [release, sealed.enrolled, connected, cards, closed, memberIds]);
  // A partner's signed answer arrived and checked: release ours to them at once (SEALED-10), not
  // after the render the document change causes; the same call after the render finds nothing to do.
  useEffect(() => sealed.vault.onCommitmentsChecked(() => void sealed.vault.releaseToPeers(cards, memberIds)), [sealed.vault, cards, memberIds]);
  useEffect(() => session.onEscrowNotice((slotTag) => void release.noticed(slotTag, cards, memberIds)), [session, release, cards, memberIds]);
}
