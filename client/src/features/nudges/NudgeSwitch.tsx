import { useEffect, useId, useState } from 'react';
import type { RoomSession } from '@seen/sync';
import { Notice } from '../../components/Notice.tsx';
import { readNudgeChoice, readPushSupport, turnOffNudges, turnOnNudges } from '../../push/nudgeDevice.ts';
import { describeNudgeFailure, NUDGE_OFF_PENDING, NUDGE_PRIVACY_NOTE, nudgeSwitchHint, type NudgeFailure } from '../../push/nudgeWords.ts';

type SwitchState = 'loading' | 'on' | 'off' | 'turning-on' | 'turning-off';

/**
 * "Nudges on this device" in Room & data (SPEC APP-34): one switch, per device and per room. On runs
 * the same steps as the prompt; off tells the relay to forget this room's subscription.
 */
export function NudgeSwitch({ session, others }: { session: RoomSession; others: readonly string[] }) {
  const titleId = useId();
  const hintId = useId();
  const [state, setState] = useState<SwitchState>('loading');
  const [failure, setFailure] = useState<{ readonly failure: NudgeFailure; readonly turningOn: boolean } | null>(null);
  const support = readPushSupport();

  useEffect(() => {
    let cancelled = false;
    void readNudgeChoice(session.roomId).then((choice) => {
      if (!cancelled) setState(choice?.choice === 'on' ? 'on' : 'off');
    });
    return () => {
      cancelled = true;
    };
  }, [session.roomId]);

  const on = state === 'on' || state === 'turning-on';
  const busy = state === 'loading' || state === 'turning-on' || state === 'turning-off';

  function toggle(wantOn: boolean) {
    setFailure(null);
    setState(wantOn ? 'turning-on' : 'turning-off');
    const change = wantOn ? turnOnNudges(session) : turnOffNudges(session);
    void change.then((result) => {
      if (!result.ok) setFailure({ failure: result.failure, turningOn: wantOn });
      // Turning off is off on this device whatever the relay said (it is told again later).
      setState(wantOn ? (result.ok ? 'on' : 'off') : 'off');
    });
  }

  const stateLine =
    state === 'loading'
      ? ''
      : state === 'turning-on'
        ? 'Turning nudges on…'
        : state === 'turning-off'
          ? 'Turning nudges off…'
          : state === 'on'
            ? support === 'denied'
              ? 'On for this room, but this browser blocks notifications, so none will show.'
              : 'On for this room on this device.'
            : 'Off: no notifications for this room on this device.';

  return (
    <section className="panel" aria-labelledby={titleId}>
      <div className="stack stack--tight">
        <h2 id={titleId}>Notifications</h2>
        <p className="muted" id={hintId}>
          {nudgeSwitchHint(others)} {NUDGE_PRIVACY_NOTE}
        </p>
      </div>
      <label className="switch">
        <input type="checkbox" role="switch" checked={on} disabled={busy || support === 'unsupported'} aria-describedby={hintId} onChange={(event) => toggle(event.target.checked)} />
        <span className="switch__track" aria-hidden="true" />
        <span className="switch__label">Nudges on this device</span>
      </label>
      <p className="faint" role="status">
        {stateLine}
      </p>
      {support === 'unsupported' ? (
        <Notice title="Not available in this browser">{describeNudgeFailure('unsupported')}</Notice>
      ) : (
        failure &&
        (failure.turningOn ? (
          <Notice tone="error" title="Nudges are still off" live>
            {describeNudgeFailure(failure.failure)}
          </Notice>
        ) : (
          <Notice tone="warn" title="Off on this device; the server wasn’t told yet" live>
            {NUDGE_OFF_PENDING}
          </Notice>
        ))
      )}
    </section>
  );
}
