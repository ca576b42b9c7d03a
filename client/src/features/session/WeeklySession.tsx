import { useEffect, useRef, useState } from 'react';
import type { Presence } from '@seen/shared/doc';
import { Button } from '../../components/Button.tsx';
import { Icon } from '../../components/Icon.tsx';
import { LEVEL_NAMES } from '../../app/decks.ts';
import type { RoomActions } from '../../app/roomActions.ts';
import { sessionCompanyOf, type CardView, type RoomView, type SessionView } from '../../app/roomView.ts';
import { listNames, othersWord, settledChip } from '../../app/words.ts';
import { CardPanel } from './CardPanel.tsx';

export interface SessionModeProps {
  readonly view: RoomView;
  readonly session: SessionView;
  readonly actions: RoomActions;
  readonly peers: readonly Presence[];
  readonly onActiveCard: (cardKey: string | null) => void;
  readonly onTyping: (typing: boolean) => void;
}

function statusChip(card: CardView, view: RoomView): { text: string; tone: 'you' | 'partner' | 'done' } {
  const nameOf = (id: string) => view.members.find((member) => member.id === id)?.name ?? othersWord(view.group, 1);
  const pendingOthers = card.answers.others.filter((other) => other.state !== 'submitted' && other.state !== 'passed');
  if (card.waiting === 'you') {
    const answered = card.answers.others.filter((other) => other.state === 'submitted');
    const drafted = card.answers.mine.text.trim() !== '';
    const lead = answered.length ? `${listNames(answered.map((o) => nameOf(o.memberId)))} answered · ` : '';
    return { text: `${lead}${drafted ? 'your draft is saved' : 'waiting for you'}`.replace(/^./, (c) => c.toUpperCase()), tone: 'you' };
  }
  if (card.waiting === 'others') return { text: `Waiting for ${listNames(pendingOthers.map((o) => nameOf(o.memberId)))}`, tone: 'partner' };
  if (card.answers.mine.passed) return { text: 'You passed', tone: 'done' };
  // Settled: say who answered and who passed, for however many are at the table (APP-25).
  const answered = card.answers.others.filter((o) => o.text !== null).map((o) => nameOf(o.memberId));
  const passed = card.answers.others.filter((o) => o.state === 'passed').map((o) => nameOf(o.memberId));
  return { text: settledChip({ answered, passed, total: card.answers.others.length + 1 }), tone: 'done' };
}

/** Weekly mode: every card of the week at a glance — which wait for you, which for your partner. */
export function WeeklySession({ view, session, actions, peers, onActiveCard, onTyping }: SessionModeProps) {
  const [openKey, setOpenKey] = useState<string | null>(null);
  const returnFocus = useRef<string | null>(null);
  const open = session.cards.find((card) => card.key === openKey) ?? null;
  const openIndex = open ? session.cards.indexOf(open) : -1;

  useEffect(() => {
    onActiveCard(open?.key ?? null);
  }, [open?.key, onActiveCard]);

  useEffect(() => {
    if (open) {
      document.getElementById(`card-heading-${open.key}`)?.focus();
    } else if (returnFocus.current) {
      document.getElementById(`card-row-${returnFocus.current}`)?.focus();
      returnFocus.current = null;
    }
  }, [open]);

  const forYou = session.cards.filter((card) => card.waiting === 'you').length;
  const forOthers = session.cards.filter((card) => card.waiting === 'others').length;
  // Named from the session's own table (SEALED-12): a friend who joined since is not waited for.
  const company = sessionCompanyOf(view, session);
  const othersNames = listNames(company.names) || othersWord(company, company.groupSize - 1);

  if (open) {
    const previous = session.cards[openIndex - 1];
    const next = session.cards[openIndex + 1];
    return (
      <div className="stack stack--loose">
        <div>
          <Button
            variant="quiet"
            small
            icon="back"
            onClick={() => {
              returnFocus.current = open.key;
              setOpenKey(null);
            }}
          >
            All cards
          </Button>
        </div>
        <CardPanel
          key={open.key}
          card={open}
          view={view}
          actions={actions}
          peers={peers}
          live={false}
          company={company}
          position={`Card ${openIndex + 1} of ${session.cards.length}`}
          onTyping={onTyping}
          headingId={`card-heading-${open.key}`}
        />
        <nav className="row row--between" aria-label="Other cards">
          {previous ? (
            <Button small variant="quiet" icon="back" onClick={() => setOpenKey(previous.key)}>
              Previous card
            </Button>
          ) : (
            <span />
          )}
          {next && (
            <Button small onClick={() => setOpenKey(next.key)}>
              Next card
              <Icon name="chevron" />
            </Button>
          )}
        </nav>
      </div>
    );
  }

  return (
    <div className="stack">
      <p className="muted" role="status">
        {forYou === 0 && forOthers === 0
          ? 'Every card is answered or passed. Read them together, then close the session when you’re ready.'
          : [forYou ? `${forYou} ${forYou === 1 ? 'card waits' : 'cards wait'} for you` : null, forOthers ? `${forOthers} for ${othersNames}` : null].filter(Boolean).join(' · ')}
      </p>
      <ul className="card-list" aria-label={`Session ${session.record.number} cards`}>
        {session.cards.map((card, index) => {
          const chip = statusChip(card, view);
          return (
            <li key={card.key}>
              <button type="button" id={`card-row-${card.key}`} className="card-row" data-level={card.prompt?.level ?? 1} onClick={() => setOpenKey(card.key)}>
                <span className="card-row__body">
                  <span className="faint">
                    {index + 1}. {card.prompt ? LEVEL_NAMES[card.prompt.level] : 'Card'}
                    {card.isThenAndNow ? ' · then and now' : ''}
                  </span>
                  <span className="card-row__text">{card.prompt?.text ?? 'A card from a newer deck'}</span>
                  <span className={`chip chip--${chip.tone}`}>{chip.text}</span>
                </span>
                <Icon name="chevron" />
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
