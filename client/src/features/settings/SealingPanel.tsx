import { useId, useMemo, useState } from 'react';
import type { RoomSession } from '@seen/sync';
import { existingVault } from '../../app/answerRelease.ts';
import { formatDate, listNames } from '../../app/words.ts';
import { Button } from '../../components/Button.tsx';
import { Dialog } from '../../components/Dialog.tsx';
import { Segmented } from '../../components/Segmented.tsx';
import { useDocVersion } from '../../hooks/useDocVersion.ts';
import { useSessionStatus } from '../../hooks/useSessionStatus.ts';
import { AddDevice } from '../devices/AddDevice.tsx';
import { formatApprovalCode } from '../devices/DeviceApproval.tsx';

/**
 * How this member's answers open (SEALED-14) and which devices are this member (SEALED-15): the
 * strict-release switch and the list of the member's devices, each removable but this one.
 */
/** How long a shared answer's key waits at the relay (SEALED-9): the room's choice, for every member. */
const ESCROW_CHOICES = [
  { value: '14', label: 'Two weeks' },
  { value: '60', label: 'Two months' },
  { value: '366', label: 'A year' },
] as const;

export function SealingPanel({
  session,
  others,
  escrowDays,
  onEscrowDays,
  deviceLink,
}: {
  session: RoomSession;
  others: readonly string[];
  escrowDays: number;
  onEscrowDays: (days: number) => void;
  deviceLink: (ticket: Uint8Array) => string;
}) {
  const vault = existingVault(session);
  const version = useDocVersion(session.doc);
  const sealed = useSessionStatus(session).sealed;
  const titleId = useId();
  const hintId = useId();
  const [removing, setRemoving] = useState<string | null>(null);
  const state = useMemo(() => {
    if (!vault || !vault.canWrite()) return null;
    return { strict: vault.readPrefs().strictRelease, devices: vault.devices.ofMember(vault.memberId), me: vault.deviceHex };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- version is the doc's change counter
  }, [vault, version]);
  if (!vault || !state) return null;
  const names = listNames(others) || 'the others';
  const removingDevice = state.devices.find((device) => device.deviceHex === removing) ?? null;

  return (
    <section className="panel" aria-labelledby={titleId}>
      <div className="stack stack--tight">
        <h2 id={titleId}>How your answers open</h2>
        <p className="muted">
          Your drafts and answers are sealed on your devices. {names} can open an answer of yours only once they have shared their own, and the server can open none.
        </p>
      </div>
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          checked={state.strict}
          aria-describedby={hintId}
          // The write changes the document, and the panel reads it again (useDocVersion).
          onChange={(event) => vault.setPrefs({ strictRelease: event.target.checked })}
        />
        <span className="switch__track" aria-hidden="true" />
        <span className="switch__label">Open my answers device to device only</span>
      </label>
      <p className="faint" id={hintId}>
        {state.strict
          ? `On: nothing of yours is left with the server. An answer of yours opens for ${names} when one of your devices is online after they have shared.`
          : `Off: when you share, your device leaves the answer’s key with the server, sealed so only ${names}’s devices can open it, and the server hands it over once they have shared — so the weekly ritual works while you are away.`}
      </p>

      <Segmented
        legend="How long the server keeps keys for those who answer later"
        options={ESCROW_CHOICES}
        value={ESCROW_CHOICES.find((choice) => Number(choice.value) === escrowDays)?.value ?? '60'}
        onChange={(value) => onEscrowDays(Number(value))}
      />
      <p className="faint">For everyone in the room. After that, an answer opens only when its author’s device is online.</p>

      <h3 className="eyebrow">Your devices in this room</h3>
      <ul className="device-list">
        {state.devices.map((device) => (
          <li key={device.deviceHex} className="device-list__item">
            <span>
              {device.deviceHex === state.me ? 'This device' : 'Another device'} <span className="faint">
                · since {formatDate(device.addedAt)} · code <span className="approval-code--inline">{formatApprovalCode(device)}</span>
              </span>
            </span>
            {device.deviceHex !== state.me && (
              <Button small variant="quiet" icon="trash" onClick={() => setRemoving(device.deviceHex)}>
                Remove
              </Button>
            )}
          </li>
        ))}
      </ul>
      <AddDevice session={session} deviceLink={deviceLink} />
      <Dialog open={removingDevice !== null} title="Remove this device?" onClose={() => setRemoving(null)}>
        <p>
          Use this for a lost or sold phone. The server stops letting it in, and it gets no new keys: nothing written from now on reaches it, and no answer of {names} is released
          to it. What it already holds stays on it — the room’s names and cards, and the answers it had already opened.
        </p>
        {!sealed && (
          <p className="muted">
            It also holds the room’s link, so until the room is sealed, whoever has it could ask to join again as a new device. You would see that request; sealing the room
            closes the link for good.
          </p>
        )}
        <div className="row row--end">
          <Button variant="quiet" onClick={() => setRemoving(null)}>
            Keep it
          </Button>
          <Button
            variant="danger"
            icon="trash"
            onClick={() => {
              if (removing) vault.removeDevice(removing);
              setRemoving(null);
            }}
          >
            Remove the device
          </Button>
        </div>
      </Dialog>
    </section>
  );
}
