import {
  ESCROW_KIND,
  ESCROW_STATUS,
  encodeEscrowNoticeFrame,
  encodeEscrowReleasesFrame,
  escrowDepositTranscript,
  toHex,
  type EscrowDepositFrame,
  type EscrowReadFrame,
} from '@seen/shared/protocol';
import type { Logger } from '../log.ts';
import type { Connection } from '../relay/Connection.ts';
import { verifyEd25519 } from '../relay/verifyEd25519.ts';
import type { Room } from '../room/Room.ts';
import type { EscrowRelease } from '../storage/EscrowStorage.ts';
import type { RelayStorage } from '../storage/RelayStorage.ts';

const DAY_MS = 24 * 3600 * 1000;

/**
 * The relay's half of answer-key escrow (PROTOCOL.md §3b): checks that a deposit is signed by the
 * connection's own device for this room and slot, and that its boxes go only to the room's other
 * devices (those for a revoked device are dropped, SEALED-19), then stores it and answers with what
 * the depositor may open now (ESCROW-1..3). The relay sees a slot tag, an opaque record and boxes:
 * never a card, an answer or a key.
 */
export class EscrowDesk {
  constructor(
    private readonly storage: RelayStorage,
    private readonly logger: Logger,
  ) {}

  async deposit(room: Room, connection: Connection, frame: EscrowDepositFrame, now: number): Promise<void> {
    const answer = (status: number, releases: readonly EscrowRelease[] = []): void =>
      connection.send(encodeEscrowReleasesFrame({ slotTag: frame.slotTag, status, releases }));
    const signed = verifyEd25519(connection.devicePublicKey, escrowDepositTranscript(room.roomIdBytes, frame.signedBody), frame.signature);
    // Each box to a distinct other device registered in the room. A box for a revoked device is
    // dropped, not refused (SEALED-19): the depositor's document may not have seen the removal yet.
    const recipients = new Set(frame.boxes.map((box) => toHex(box.recipient)));
    const recipientsValid =
      recipients.size === frame.boxes.length &&
      [...recipients].every((recipient) => recipient !== connection.deviceHex && (room.devices.has(recipient) || room.revoked.has(recipient)));
    const boxes = frame.boxes.filter((box) => !room.revoked.has(toHex(box.recipient)));
    const declineWithBoxes = frame.depositKind === ESCROW_KIND.DECLINE && frame.boxes.length > 0;
    if (!signed || !recipientsValid || declineWithBoxes) return answer(ESCROW_STATUS.REFUSED);
    let outcome;
    try {
      outcome = await this.storage.depositEscrow(
        {
          roomId: room.roomId,
          slotTag: frame.slotTag,
          depositor: connection.devicePublicKey,
          kind: frame.depositKind === ESCROW_KIND.ANSWER ? 'answer' : 'decline',
          record: frame.record,
          boxes,
          expiresAt: now + frame.lifetimeDays * DAY_MS,
        },
        now,
      );
    } catch (error) {
      this.logger.log('error', 'escrow deposit not stored', { error: String(error) });
      return answer(ESCROW_STATUS.UNAVAILABLE);
    }
    if (outcome.kind === 'deleted') return answer(ESCROW_STATUS.REFUSED);
    if (outcome.kind === 'conflict') return answer(ESCROW_STATUS.CONFLICT);
    answer(outcome.kind === 'stored' ? ESCROW_STATUS.STORED : ESCROW_STATUS.DUPLICATE, outcome.releases);
    // Members who deposited earlier may now open this one: tell the room's other sockets to ask.
    if (outcome.kind === 'stored') {
      const notice = encodeEscrowNoticeFrame(frame.slotTag);
      for (const peer of room.sockets) if (peer !== connection && peer.phase === 'live') peer.send(notice);
    }
  }

  async read(room: Room, connection: Connection, frame: EscrowReadFrame): Promise<void> {
    let releases: EscrowRelease[];
    try {
      releases = await this.storage.readEscrowReleases(room.roomId, frame.slotTag, connection.devicePublicKey);
    } catch (error) {
      this.logger.log('error', 'escrow read failed', { error: String(error) });
      connection.send(encodeEscrowReleasesFrame({ slotTag: frame.slotTag, status: ESCROW_STATUS.UNAVAILABLE, releases: [] }));
      return;
    }
    connection.send(encodeEscrowReleasesFrame({ slotTag: frame.slotTag, status: ESCROW_STATUS.STORED, releases }));
  }
}
