import { useState } from 'react';
import { Button } from '../../components/Button.tsx';
import { Notice } from '../../components/Notice.tsx';
import { LEVEL_NAMES } from '../../app/decks.ts';
import type { RoomActions } from '../../app/roomActions.ts';
import type { RoomView } from '../../app/roomView.ts';
import { listNames } from '../../app/words.ts';

/** "Sam would like to go deeper": an invitation, never a nudge. Declining is one quiet click away. */
export function DepthNotice({ view, actions }: { view: RoomView; actions: RoomActions }) {
  const proposed = view.depth.proposedLevel;
  const me = view.me;
  const [dismissed, setDismissed] = useState<number | null>(null);
  if (!proposed || !me || view.others.length === 0 || dismissed === proposed) return null;
  const myLevel = view.depth.consent[me.id] ?? 1;
  const askers = view.others.filter((member) => (view.depth.consent[member.id] ?? 1) >= proposed);
  if (myLevel >= proposed) {
    const waitingOn = view.others.filter((member) => (view.depth.consent[member.id] ?? 1) < proposed);
    return (
      <p className="faint" role="status">
        You’re open to {LEVEL_NAMES[proposed].toLowerCase()} cards. The room goes there when {listNames(waitingOn.map((m) => m.name))} says yes too — no rush.{' '}
        <Button small variant="quiet" onClick={() => actions.setDepth(view.depth.roomLevel)}>
          Take it back
        </Button>
      </p>
    );
  }
  return (
    <Notice
      tone="invite"
      title={`${listNames(askers.map((m) => m.name))} would like to go deeper`}
      actions={
        <>
          <Button small variant="primary" onClick={() => actions.setDepth(proposed)}>
            Yes, go deeper together
          </Button>
          <Button small variant="quiet" onClick={() => setDismissed(proposed)}>
            Not yet
          </Button>
        </>
      }
    >
      Next sessions would include {LEVEL_NAMES[proposed].toLowerCase()} cards. It only happens if you {view.members.length > 2 ? 'all' : 'both'} want it, and {view.members.length > 2 ? 'any' : 'either'} of you can step back any time.
    </Notice>
  );
}
