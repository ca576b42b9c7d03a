import { lazy, Suspense } from 'react';
import { Icon } from '../../components/Icon.tsx';
import { KIND_NAMES, LEVEL_NAMES } from '../../app/decks.ts';
import { resolvePrompt, type RoomView } from '../../app/roomView.ts';
import { CHECKIN_LABELS, REACTION_WORDS, capitalise, countWord, formatDate, listNames, othersWord } from '../../app/words.ts';
import { useRoomRecord } from '../../hooks/useRoomRecord.ts';
import type { RoomSession } from '@seen/sync';
import type { ChartPoint } from './CheckinChart.tsx';

const CheckinChart = lazy(() => import('./CheckinChart.tsx'));

/** Past sessions, gently: what you both wrote, what you heard, and how close you felt over time. */
export function HistoryTab({ session, viewerId, view }: { session: RoomSession; viewerId: string; view: RoomView }) {
  const record = useRoomRecord(session, viewerId);
  const closed = record.sessions.filter((s) => s.closedAt !== null).reverse();
  const nameOf = (id: string) => (id === viewerId ? 'You' : (record.members.find((member) => member.id === id)?.name ?? 'Someone'));
  const group = view.others.length > 1;
  // With more than one other, the second line is their average, and its label says so.
  const partnerName = group ? `${listNames(view.others.map((member) => member.name))} (average)` : (view.others[0]?.name ?? capitalise(othersWord(view.group, 1)));
  const othersValue = (entries: readonly { memberId: string; value: number | null }[]): number | null => {
    const values = entries.filter((entry) => entry.memberId !== viewerId && entry.value !== null).map((entry) => entry.value ?? 0);
    return values.length ? Math.round((values.reduce((sum, value) => sum + value, 0) / values.length) * 10) / 10 : null;
  };

  const points: ChartPoint[] = record.sessions
    .filter((s) => s.checkins.mine !== null || s.checkins.revealed)
    .map((s) => ({
      session: s.number,
      mine: s.checkins.mine,
      partner: s.checkins.revealed ? othersValue(s.checkins.entries) : null,
    }));

  return (
    <div className="stack stack--loose">
      <div className="stack stack--tight">
        <p className="eyebrow">History</p>
        <h1>What you’ve shared</h1>
        <p className="muted">
          Every closed session, as you {view.group.size <= 2 ? 'both' : 'all'} left it. No streaks, no scores — just the {countWord(view.group.size)} of you over time.
        </p>
      </div>

      <section className="panel" aria-labelledby="chart-title">
        <h2 id="chart-title">Closeness over the weeks</h2>
        {points.length === 0 ? (
          <p className="muted">After your first check-in, you’ll see how close you each felt, session by session.</p>
        ) : (
          <Suspense fallback={<div className="chart-frame" aria-hidden="true" />}>
            <CheckinChart points={points} partnerName={partnerName} />
          </Suspense>
        )}
      </section>

      {closed.length === 0 ? (
        <p className="muted">Nothing here yet. When you close a session, it’s kept here.</p>
      ) : (
        <ul className="history-list">
          {closed.map((s) => {
            const answeredCards = s.cards.filter((card) => card.answers.some((answer) => answer.state === 'submitted')).length;
            // Drawn before the viewer joined (SEALED-12): it stays between the ones who took part.
            const between = listNames(s.participantIds.map(nameOf));
            return (
              <li key={s.number}>
                <details className="panel history-session" open={s === closed[0]}>
                  <summary>
                    <span className="stack stack--tight">
                      <span className="eyebrow">
                        Session {s.number} · {formatDate(s.startedAt)}
                      </span>
                      <span className="muted">
                        {!s.viewerTookPart ? 'Before you joined' : `${answeredCards} of ${s.cards.length} cards answered`}
                        {s.checkins.revealed ? ` · check-ins ${s.checkins.entries.map((entry) => `${nameOf(entry.memberId)} ${entry.value}`).join(', ')}` : ''}
                      </span>
                    </span>
                    <Icon name="chevron" />
                  </summary>
                  <div className="stack">
                    {!s.viewerTookPart && <p className="muted">This session was drawn before you joined, so what was said in it stays between {between}.</p>}
                    {s.viewerTookPart && s.cards.map((card) => {
                      const prompt = resolvePrompt(view.deck, record.customPrompts, card.cardId);
                      return (
                        <article key={card.cardId} className="history-card">
                          <p className="faint">
                            {prompt ? `${LEVEL_NAMES[prompt.level]} · ${KIND_NAMES[prompt.kind]}` : 'Card'}
                          </p>
                          <h3 className="history-card__prompt">{prompt?.text ?? 'A card from a newer deck'}</h3>
                          <div className="history-answers">
                            {card.answers.map((answer) => (
                              <div key={answer.memberId} className={answer.memberId === viewerId ? 'history-answer' : 'history-answer history-answer--partner'}>
                                <span className="faint">{nameOf(answer.memberId)}</span>
                                {answer.state === 'submitted' && answer.text !== null ? (
                                  <p className="history-answer__text">{answer.text}</p>
                                ) : answer.state === 'passed' ? (
                                  <p className="muted">Passed</p>
                                ) : answer.state === 'submitted' ? (
                                  <p className="muted">Answered — veiled until you answer this card too.</p>
                                ) : answer.state === 'draft' ? (
                                  <p className="muted">An unshared draft</p>
                                ) : (
                                  <p className="muted">Not answered</p>
                                )}
                              </div>
                            ))}
                          </div>
                          {card.reactions.map((reaction) => (
                            <p key={`${reaction.memberId}/${reaction.answerId}`} className="received">
                              {nameOf(reaction.memberId)} to {nameOf(reaction.answerId) === 'You' ? 'you' : nameOf(reaction.answerId)}: {REACTION_WORDS[reaction.reaction]}
                            </p>
                          ))}
                          {card.replies.map((reply) => (
                            <div key={`${reply.memberId}/${reply.answerId}`} className="reply">
                              <p className="reply__who">
                                What {nameOf(reply.memberId) === 'You' ? 'you' : nameOf(reply.memberId)} heard in{' '}
                                {nameOf(reply.answerId) === 'You' ? 'your' : `${nameOf(reply.answerId)}’s`} answer
                              </p>
                              <p className="reply__text">{reply.text}</p>
                            </div>
                          ))}
                        </article>
                      );
                    })}
                    {s.checkins.revealed && (
                      <p className="faint">
                        Check-in:{' '}
                        {s.checkins.entries.map((entry) => `${nameOf(entry.memberId)} ${entry.value} (${entry.value ? CHECKIN_LABELS[entry.value]?.toLowerCase() : ''})`).join(' · ')}
                      </p>
                    )}
                  </div>
                </details>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
