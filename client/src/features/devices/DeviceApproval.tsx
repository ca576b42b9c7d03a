import { useState } from 'react';
import { approvalCode } from '@seen/shared/crypto';
import type { RoomDevice } from '@seen/shared/seal';
import { Button } from '../../components/Button.tsx';
import { Notice } from '../../components/Notice.tsx';

/** "482 913": six digits in two groups, easier to compare aloud or at a glance. */
export function formatApprovalCode(device: Pick<RoomDevice, 'publicKey' | 'boxKey'>): string {
  const code = approvalCode(device.publicKey, device.boxKey);
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}

/** This device joined as an existing member and waits for a device already in the room (SEALED-7). */
export function WaitingForApproval({ name, code, others }: { name: string; code: string; others: string }) {
  return (
    <section className="stack" aria-labelledby="approval-title">
      <h1 id="approval-title">Approve this device from your other one</h1>
      <p>
        You joined as <strong>{name}</strong>. So that nobody with the link can read as you, one of your devices already in this room has to let this one in.
      </p>
      <p className="approval-code" aria-label={`Code ${code.split('').join(' ')}`}>
        {code}
      </p>
      <p className="muted">
        Open Seen on your other device: it will ask “A new device wants to join as {name} — approve?”. Check that it shows this same code, then approve. This page opens by
        itself.
      </p>
      <Notice title="No other device of yours left?">
        {others ? `${others} can approve this one from their device, after checking the code with you.` : 'Someone in the room can approve this one from their device.'} Your drafts
        from the lost device stay sealed; everything you write from now on works as before.
      </Notice>
    </section>
  );
}

/** On a device in the room: another device asks to join as an existing member (SEALED-7). */
export function ApproveDevices({
  myId,
  nameOf,
  pending,
  onApprove,
}: {
  myId: string;
  nameOf: (memberId: string) => string | null;
  pending: readonly RoomDevice[];
  onApprove: (deviceHex: string) => void;
}) {
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const waiting = pending.filter((device) => !dismissed.has(device.deviceHex) && nameOf(device.memberId) !== null);
  return (
    <>
      {waiting.map((device) => {
        const code = formatApprovalCode(device);
        const name = nameOf(device.memberId) ?? '';
        const mine = device.memberId === myId;
        return (
          <Notice
            key={device.deviceHex}
            tone="invite"
            icon="lock"
            title={`A new device wants to join as ${name} — approve?`}
            live
            actions={
              <>
                <Button small icon="check" onClick={() => onApprove(device.deviceHex)}>
                  Approve
                </Button>
                <Button small variant="quiet" onClick={() => setDismissed(new Set([...dismissed, device.deviceHex]))}>
                  Not mine
                </Button>
              </>
            }
          >
            {mine ? (
              <>
                Approve only if your new device shows the code <strong className="approval-code--inline">{code}</strong>. It will then read and write your answers as you.
              </>
            ) : (
              <>
                Approve only if {name} is with you, or told you, and their device shows the code <strong className="approval-code--inline">{code}</strong>. It will answer as {name} from
                now on.
              </>
            )}
          </Notice>
        );
      })}
    </>
  );
}
