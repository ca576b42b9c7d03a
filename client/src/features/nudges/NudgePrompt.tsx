import { useEffect, useId, useState } from 'react';
import type { RoomSession } from '@seen/sync';
import { Button } from '../../components/Button.tsx';
import { Notice } from '../../components/Notice.tsx';
import { dismissNudgePrompt, readNudgeChoice, readPushSupport, turnOnNudges } from '../../push/nudgeDevice.ts';
import { describeNudgeFailure, nudgePromptTitle, NUDGE_PRIVACY_NOTE, type NudgeFailure } from '../../push/nudgeWords.ts';

type PromptState = 'checking' | 'asking' | 'busy' | 'on' | 'hidden';

/**
 * The quiet offer to turn nudges on (SPEC APP-33), shown by the room page once this device has seen
 * a session completed, and only while this device has never answered it. "Not now" sends it away
 * for good; the switch in Room & data stays.
 */
export function NudgePrompt({ session, others }: { session: RoomSession; others: readonly string[] }) {
  const titleId = useId();
  const [state, setState] = useState<PromptState>('checking');
  const [failure, setFailure] = useState<NudgeFailure | null>(null);

  useEffect(() => {
    let cancelled = false;
    void readNudgeChoice(session.roomId).then((choice) => {
      // A browser that cannot, or was told not to, show notifications is not asked here.
      if (!cancelled) setState(choice === null && readPushSupport() === 'supported' ? 'asking' : 'hidden');
    });
    return () => {
      cancelled = true;
    };
  }, [session.roomId]);

  if (state === 'checking' || state === 'hidden') return null;

  if (state === 'on') {
    return (
      <p className="chip chip--done" role="status">
        Nudges are on for this room on this device. Room &amp; data turns them off.
      </p>
    );
  }

  function turnOn() {
    setState('busy');
    setFailure(null);
    void turnOnNudges(session).then((result) => {
      if (result.ok) setState('on');
      else {
        setFailure(result.failure);
        setState('asking');
      }
    });
  }

  function notNow() {
    setState('hidden');
    void dismissNudgePrompt(session.roomId).catch(() => undefined);
  }

  return (
    <section className="panel panel--sunk nudge-prompt" aria-labelledby={titleId}>
      <div className="stack stack--tight">
        <h2 id={titleId}>{nudgePromptTitle(others)}</h2>
        <p className="muted">{NUDGE_PRIVACY_NOTE}</p>
      </div>
      {failure && (
        <Notice tone="error" title="Nudges are still off" live>
          {describeNudgeFailure(failure)}
        </Notice>
      )}
      <div className="row">
        {/* Not a primary button: the room's own next step ("Draw the cards") stays the one that stands out. */}
        <Button icon="bell" disabled={state === 'busy'} onClick={turnOn}>
          {state === 'busy' ? 'Turning on…' : 'Turn on nudges'}
        </Button>
        <Button variant="quiet" disabled={state === 'busy'} onClick={notNow}>
          Not now
        </Button>
      </div>
    </section>
  );
}
