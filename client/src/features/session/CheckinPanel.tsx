import { useId } from 'react';
import { Button } from '../../components/Button.tsx';
import { Scale } from '../../components/Scale.tsx';
import type { RoomActions } from '../../app/roomActions.ts';
import { sessionCompanyOf, type RoomView, type SessionView } from '../../app/roomView.ts';
import { CHECKIN_LABELS, CHECKIN_QUESTION, checkinIntro, checkinPendingNote, checkinRevealedTitle, checkinWaitingLine, listNames } from '../../app/words.ts';

/**
 * The end of a session: one question, 1–7, private until everyone has answered (APP-11). For an
 * open session it also closes the session; for a closed one it just collects the check-in.
 */
export function CheckinPanel({
  view,
  actions,
  session,
  onClosed,
  onCheckin,
}: {
  view: RoomView;
  actions: RoomActions;
  session: SessionView;
  onClosed?: () => void;
  onCheckin?: () => void;
}) {
  const titleId = useId();
  const me = view.me;
  // Those who check in on this session are its participants (SEALED-12), at least the room's two.
  const company = sessionCompanyOf(view, session);
  const partnerNames = listNames(company.names);
  const { checkins } = session;
  const size = Math.max(2, session.participants.length);
  const isOpen = session.record.closedAt === null;
  const nameOf = (id: string) => (id === me?.id ? 'You' : (view.members.find((member) => member.id === id)?.name ?? 'Someone'));
  const waitingOn = checkins.entries.filter((entry) => !entry.answered && entry.memberId !== me?.id).map((entry) => nameOf(entry.memberId));
  const closedBy = session.record.closedBy && session.record.closedBy !== me?.id ? nameOf(session.record.closedBy) : null;

  return (
    <section className="panel" aria-labelledby={titleId}>
      <div className="stack stack--tight">
        <p className="eyebrow">{isOpen ? 'When you’re done for now' : `Session ${session.record.number} is closed`}</p>
        <h2 id={titleId}>{isOpen ? 'Close the session' : checkins.revealed ? checkinRevealedTitle(size) : 'Your check-in'}</h2>
        <p className="muted">
          {isOpen
            ? checkinIntro(size)
            : checkins.revealed
              ? 'Kept in your history, with how close you each felt over the weeks. Nothing to fix here — just something to notice together.'
              : checkinPendingNote({ size, closedBy })}
        </p>
      </div>

      {checkins.revealed ? (
        <div className="checkin-result" role="status">
          {checkins.entries.map((entry) => (
            <div key={entry.memberId} className="stack stack--tight">
              <span className="faint">{nameOf(entry.memberId)}</span>
              <span className="checkin-result__value">{entry.value}</span>
              <span className="faint">{entry.value ? CHECKIN_LABELS[entry.value] : ''}</span>
            </div>
          ))}
        </div>
      ) : (
        <>
          <Scale legend={CHECKIN_QUESTION(partnerNames)} labels={CHECKIN_LABELS} value={checkins.mine} onChange={(value) => {
              if (actions.checkIn(session.record.number, value)) onCheckin?.();
            }} />
          <p className="faint" role="status">
            {checkinWaitingLine({ company, waitingOn })}
          </p>
        </>
      )}

      {isOpen && (
        <div className="row row--end">
          <Button
            variant="primary"
            icon="check"
            disabled={checkins.mine === null}
            aria-describedby={checkins.mine === null ? `${titleId}-why` : undefined}
            onClick={() => {
              actions.closeSession(session.record.number);
              onClosed?.();
            }}
          >
            Close session {session.record.number}
          </Button>
          {checkins.mine === null && (
            <span id={`${titleId}-why`} className="visually-hidden">
              Choose a number first.
            </span>
          )}
        </div>
      )}
    </section>
  );
}
