import { useEffect } from 'react';
import type { Presence } from '@seen/shared/doc';
import { Avatar } from '../../components/Avatar.tsx';
import { Button } from '../../components/Button.tsx';
import { decideLiveStep } from '../../app/liveStep.ts';
import { sessionCompanyOf } from '../../app/roomView.ts';
import { listNames, plural, stillAnsweringLine } from '../../app/words.ts';
import { CardPanel } from './CardPanel.tsx';
import type { SessionModeProps } from './WeeklySession.tsx';

/**
 * Live mode: everyone on the same card. The current card is derived from "ready" flags in the
 * document (APP-14), so both screens move on together, and who goes first alternates (APP-12).
 */
export function LiveSession({ view, session, actions, peers, onActiveCard, onTyping }: SessionModeProps) {
  const total = session.cards.length;
  const done = session.liveIndex >= total;
  const card = done ? null : (session.cards[session.liveIndex] ?? null);
  const me = view.me;
  // The people at this session's table (SEALED-12): a friend who joined since is not waited for.
  const table = session.participants.filter((member) => member.id !== me?.id);
  const company = sessionCompanyOf(view, session);

  useEffect(() => {
    onActiveCard(card?.key ?? null);
  }, [card?.key, onActiveCard]);

  // In the room's turn order, so every screen names the same people the same way.
  const turn = (presence: Presence) => view.members.findIndex((member) => member.id === presence.memberId);
  const withMe = card ? peers.filter((peer) => peer.activeCardId === card.key).sort((a, b) => turn(a) - turn(b)) : [];
  const elsewhere = peers.filter((peer) => !withMe.includes(peer)).sort((a, b) => turn(a) - turn(b));
  const presenceText = (() => {
    if (table.length === 0) return 'Nobody else has joined yet — you can start, and they’ll catch up.';
    if (withMe.length) return `${listNames(withMe.map((peer) => peer.name))} ${plural(withMe.length, 'is', 'are')} on this card with you`;
    if (elsewhere.length) return `${listNames(elsewhere.map((peer) => peer.name))} ${plural(elsewhere.length, 'is', 'are')} in the room`;
    return `${listNames(table.map((member) => member.name))} ${plural(table.length, 'isn’t', 'aren’t')} here right now. You can answer; they’ll catch up.`;
  })();

  const step = card ? decideLiveStep(card, session.participants, me?.id ?? null) : null;
  const nameOf = (id: string) => view.members.find((member) => member.id === id)?.name ?? 'Someone';
  const lastCard = card !== null && card.index + 1 === total;

  return (
    <div className="stack stack--loose">
      <div className="live-head">
        <ol className="progress" aria-label={`Card ${Math.min(session.liveIndex + 1, total)} of ${total}`}>
          {session.cards.map((c, index) => (
            <li key={c.key} data-state={index < session.liveIndex ? 'done' : index === session.liveIndex ? 'current' : 'next'} />
          ))}
        </ol>
        <p className="here-together muted" aria-live="polite">
          <span className="avatars" aria-hidden="true">
            {withMe.map((peer) => (
              <Avatar key={peer.memberId} name={peer.name} partner small />
            ))}
          </span>
          {presenceText}
        </p>
      </div>

      {card ? (
        <>
          <CardPanel
            key={card.key}
            card={card}
            view={view}
            actions={actions}
            peers={peers}
            live
            company={company}
            position={`Card ${session.liveIndex + 1} of ${total}`}
            onTyping={onTyping}
            headingId={`card-heading-${card.key}`}
          />
          <div className="ready-bar" aria-live="polite">
            {step?.kind === 'answer' ? (
              <p className="muted">Answer or pass, then talk it through. You’ll move on together.</p>
            ) : step?.kind === 'ready' ? (
              <>
                <p className="muted">When you’ve talked it through:</p>
                <Button variant="primary" icon="arrowRight" onClick={() => actions.setReady(card.session, card.index, true)}>
                  {lastCard ? 'Finish the cards' : 'Ready for the next card'}
                </Button>
              </>
            ) : step?.kind === 'waiting-for-answers' ? (
              <>
                <p className="muted">{stillAnsweringLine(step.waitingOnIds.map(nameOf))}</p>
                <Button small variant="quiet" icon="arrowRight" onClick={() => actions.setReady(card.session, card.index, true)}>
                  {lastCard ? 'Finish without waiting' : 'Move on without waiting'}
                </Button>
              </>
            ) : (
              <>
                <p className="muted">
                  {step?.waitingOnIds.length ? `Waiting for ${listNames(step.waitingOnIds.map(nameOf))} to be ready…` : 'Moving on…'}
                </p>
                <Button small variant="quiet" onClick={() => actions.setReady(card.session, card.index, false)}>
                  Not yet
                </Button>
              </>
            )}
          </div>
        </>
      ) : (
        <section className="panel panel--sunk">
          <h2>That was the last card</h2>
          <p className="muted">Take a moment together. When you’re ready, close the session below with one last question.</p>
        </section>
      )}
    </div>
  );
}
