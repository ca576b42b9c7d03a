import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import type { Presence } from '@seen/shared/doc';
import { Button } from '../../components/Button.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Segmented } from '../../components/Segmented.tsx';
import { CARDS_PER_SESSION, LEVEL_NAMES } from '../../app/decks.ts';
import type { RoomActions } from '../../app/roomActions.ts';
import type { RoomView, SessionView } from '../../app/roomView.ts';
import { formatDate, joinedDuringSession, listNames } from '../../app/words.ts';
import { InvitePanel } from '../invite/InvitePanel.tsx';
import { DepthNotice } from './DepthNotice.tsx';
import { RitualPanel } from './RitualPanel.tsx';
import { WeeklySession } from './WeeklySession.tsx';
import { runWhenIdle } from '../../app/runWhenIdle.ts';

// Parts of the week that are not on screen most of the time (live mode, the closing check-in) load
// separately, and are fetched as soon as the browser is idle so they are there before anyone needs
// them. The invite panel is not one of them: it is the first thing a room nobody joined yet shows,
// and a placeholder painted in its place for a frame shifted everything below it (CLS 0.087).
const loadLive = () => import('./LiveSession.tsx');
const loadCheckin = () => import('./CheckinPanel.tsx');
const LiveSession = lazy(() => loadLive().then((module) => ({ default: module.LiveSession })));
const CheckinPanel = lazy(() => loadCheckin().then((module) => ({ default: module.CheckinPanel })));

/** One chunk per idle moment: fetching and running several at once was one long task on a phone. */
const PREFETCHES = [loadLive, loadCheckin];

function usePrefetchWhenIdle(): void {
  useEffect(() => {
    let cancelled = false;
    let cancel = () => {};
    const prefetchFrom = (index: number) => {
      const load = PREFETCHES[index];
      if (!load || cancelled) return;
      const run = () => {
        void load()
          .catch(() => undefined)
          .then(() => prefetchFrom(index + 1));
      };
      cancel = runWhenIdle(run, 3_000, 1_000);
    };
    prefetchFrom(0);
    return () => {
      cancelled = true;
      cancel();
    };
  }, []);
}

export interface SessionTabProps {
  readonly view: RoomView;
  readonly actions: RoomActions;
  readonly peers: readonly Presence[];
  readonly inviteLink: string;
  readonly now: number;
  readonly onActiveCard: (cardKey: string | null) => void;
  readonly onTyping: (typing: boolean) => void;
  /** The quiet offer to turn nudges on, when the room page decides it is due (APP-33). */
  readonly nudgePrompt?: ReactNode;
}

const MODE_OPTIONS = [
  { value: 'weekly', label: 'Over the week' },
  { value: 'live', label: 'Together now' },
] as const;

export function SessionTab({ view, actions, peers, inviteLink, onActiveCard, onTyping, nudgePrompt }: SessionTabProps) {
  usePrefetchWhenIdle();
  const partnerNames = listNames(view.others.map((member) => member.name));
  const session = view.openSession;
  const [justClosed, setJustClosed] = useState<number | null>(null);
  // Once the closing check-in is on screen it stays there (showing the reveal when it comes) until
  // the next session starts, even after this member has answered it.
  const [keepCheckinFor, setKeepCheckinFor] = useState<number | null>(null);
  const lastClosed = view.lastClosed;
  // The closing check-in stays on screen for the session just closed here, and for a closed
  // session the viewer has not checked in on yet (the partner closed it).
  const showClosedCheckin =
    lastClosed !== null &&
    !session &&
    lastClosed.viewerTakesPart &&
    view.others.length > 0 &&
    (lastClosed.checkins.mine === null || lastClosed.record.number === keepCheckinFor);

  return (
    <div className="stack stack--loose">
      {/* The link stays here until everyone the room is for has joined (APP-24). */}
      {!view.group.full && (
        <InvitePanel link={inviteLink} group={view.group} joined={view.members.length} prominent />
      )}

      <DepthNotice view={view} actions={actions} />

      {showClosedCheckin && (
        <Suspense fallback={<div className="panel chart-frame" aria-hidden="true" />}>
          <CheckinPanel view={view} actions={actions} session={lastClosed} onCheckin={() => setKeepCheckinFor(lastClosed.record.number)} />
        </Suspense>
      )}

      {!session ? (
        <>
          <StartSession view={view} actions={actions} partnerNames={partnerNames} justClosed={justClosed} />
          {nudgePrompt}
        </>
      ) : !session.viewerTakesPart ? (
        <JoinedDuring view={view} session={session} />
      ) : (
        <>
          <div className="section-title">
            <div className="stack stack--tight">
              <p className="eyebrow">
                Session {session.record.number} · started {formatDate(session.record.startedAt)}
              </p>
              <h1>{view.room.mode === 'live' ? 'Together, card by card' : 'This week’s cards'}</h1>
            </div>
            <Segmented legend="How you’re playing" hideLegend options={MODE_OPTIONS} value={view.room.mode} onChange={(mode) => actions.setMode(mode)} />
          </div>
          {view.room.mode === 'live' ? (
            <Suspense fallback={<div className="panel chart-frame" aria-hidden="true" />}>
              <LiveSession view={view} session={session} actions={actions} peers={peers} onActiveCard={onActiveCard} onTyping={onTyping} />
            </Suspense>
          ) : (
            <WeeklySession view={view} session={session} actions={actions} peers={peers} onActiveCard={onActiveCard} onTyping={onTyping} />
          )}
          <SessionClosing
            view={view}
            actions={actions}
            session={session}
            onClosed={() => {
              setJustClosed(session.record.number);
              setKeepCheckinFor(session.record.number);
              onActiveCard(null);
            }}
          />
        </>
      )}

      <RitualPanel view={view} actions={actions} />
    </div>
  );
}

/**
 * For a member who joined after the open session was drawn (SEALED-12): no cards to answer and no
 * check-in, only a calm word that the next session is theirs. The rest of the room stays open.
 */
function JoinedDuring({ view, session }: { view: RoomView; session: SessionView }) {
  const nameOf = (id: string | null) => view.members.find((member) => member.id === id)?.name ?? null;
  const words = joinedDuringSession({
    drawer: nameOf(session.record.startedBy),
    participants: session.participants.map((member) => member.name),
    memberCount: view.members.length,
  });
  return (
    <section className="panel" aria-labelledby="joined-during-title">
      <div className="stack stack--tight">
        <p className="eyebrow">
          Session {session.record.number} · started {formatDate(session.record.startedAt)}
        </p>
        <h1 id="joined-during-title">{words.title}</h1>
        <p className="muted">{words.body}</p>
      </div>
    </section>
  );
}

/**
 * The closing check-in waits until the cards are done (live: after the last card; weekly: once
 * every card is answered or passed). Before that, one quiet button finishes early — ending a
 * session is never a penalty.
 */
function SessionClosing({ view, actions, session, onClosed }: { view: RoomView; actions: RoomActions; session: SessionView; onClosed: () => void }) {
  const [early, setEarly] = useState(false);
  const done = view.room.mode === 'live' ? session.liveIndex >= session.cards.length : session.allSettled;
  if (done || early || session.checkins.entries.some((entry) => entry.answered)) {
    return (
      <Suspense fallback={<div className="panel chart-frame" aria-hidden="true" />}>
        <CheckinPanel view={view} actions={actions} session={session} onClosed={onClosed} />
      </Suspense>
    );
  }
  return (
    <div className="row row--end">
      <Button small variant="quiet" icon="check" onClick={() => setEarly(true)}>
        Finish this session early
      </Button>
    </div>
  );
}

function StartSession({ view, actions, partnerNames, justClosed }: { view: RoomView; actions: RoomActions; partnerNames: string; justClosed: number | null }) {
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const level = view.depth.roomLevel;
  const first = view.sessions.length === 0;
  return (
    <section className="panel" aria-labelledby="start-session-title">
      {justClosed !== null && (
        <p className="chip chip--done" role="status">
          Session {justClosed} is closed and saved in your history.
        </p>
      )}
      <div className="stack stack--tight">
        <p className="eyebrow">Session {view.nextSessionNumber}</p>
        <h1 id="start-session-title">{first ? 'Draw your first cards' : 'Ready for this week’s cards?'}</h1>
        <p className="muted">
          {CARDS_PER_SESSION} cards, from {LEVEL_NAMES[1].toLowerCase()}
          {level > 1 ? ` up to ${LEVEL_NAMES[level].toLowerCase()}` : ''}. {partnerNames ? `${partnerNames} will see the same cards.` : 'Whoever joins will see the same cards.'} Answer them together now
          or over the week — and pass any card you like.
        </p>
      </div>
      {view.deckState === 'missing' && (
        <Notice tone="warn" title="This room’s deck isn’t in this version of Seen">
          Reload the page to update. Your own cards and everything you’ve written are safe.
        </Notice>
      )}
      {failed && (
        <Notice tone="error" title="The cards couldn’t be drawn" live>
          The deck couldn’t be loaded — you may be offline on your first visit. Reload the page once you’re connected; nothing you wrote is lost.
        </Notice>
      )}
      <div className="row">
        <Button
          variant="primary"
          icon="layers"
          disabled={view.deckState !== 'ready' || busy}
          onClick={() => {
            setBusy(true);
            setFailed(false);
            void actions.startNextSession().then(
              (started) => {
                setBusy(false);
                // Not started because a session appeared meanwhile is fine: it shows up on its own.
                if (!started && !view.openSession) setFailed(true);
              },
              () => {
                setBusy(false);
                setFailed(true);
              },
            );
          }}
        >
          {view.deckState === 'loading' ? 'Fetching the deck…' : busy ? 'Drawing…' : 'Draw the cards'}
        </Button>
      </div>
    </section>
  );
}
