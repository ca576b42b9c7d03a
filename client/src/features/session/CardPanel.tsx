import { useEffect, useId, useState } from 'react';
import { REACTIONS, type Presence, type Reaction } from '@seen/shared/doc';
import { AnswerCard, VeiledAnswer } from '../../components/Answers.tsx';
import { Button } from '../../components/Button.tsx';
import { TextArea } from '../../components/Field.tsx';
import { Icon, type IconName } from '../../components/Icon.tsx';
import { PromptCard } from '../../components/PromptCard.tsx';
import { ReactionBar } from '../../components/Reactions.tsx';
import { KIND_NAMES, LEVEL_NAMES } from '../../app/decks.ts';
import type { RoomActions } from '../../app/roomActions.ts';
import type { CardView, RoomView } from '../../app/roomView.ts';
import { decideTurnHint } from '../../app/turnHint.ts';
import { REACTION_WORDS, type Company, listNames, openAnswersAnnouncement, passedVeilNote, thenHeading, thenNote, turnHintText, veilHint, whatIHeardHint } from '../../app/words.ts';
import { AnswerEditor } from './AnswerEditor.tsx';

const REACTION_ICONS: Record<Reaction, IconName> = {
  'thank-you': 'heart',
  'me-too': 'hands',
  'i-see-you': 'eye',
  'tell-me-more': 'chat',
  hug: 'hug',
};
const REACTION_OPTIONS = REACTIONS.map((id) => ({ id, label: REACTION_WORDS[id], icon: REACTION_ICONS[id] }));

export interface CardPanelProps {
  readonly card: CardView;
  readonly view: RoomView;
  readonly actions: RoomActions;
  readonly peers: readonly Presence[];
  readonly live: boolean;
  /** Who else is at this session's table (sessionCompanyOf), for the words under the answers. */
  readonly company: Company;
  readonly position: string;
  readonly onTyping: (typing: boolean) => void;
  readonly autoFocus?: boolean;
  readonly headingId?: string;
}

export function CardPanel({ card, view, actions, peers, live, company, position, onTyping, autoFocus, headingId: givenHeadingId }: CardPanelProps) {
  const fallbackHeadingId = useId();
  const headingId = givenHeadingId ?? fallbackHeadingId;
  const hintId = useId();
  const me = view.me;
  const nameOf = (id: string) => view.members.find((member) => member.id === id)?.name ?? (view.group.partners ? 'Your partner' : 'A friend');
  const { mine, others, revealed } = card.answers;
  const prompt = card.prompt;

  // Create the draft entry as soon as the card is shown (see ensureDraft: avoids losing a first
  // keystroke race between two of this member's devices).
  useEffect(() => {
    if (mine.submittedAt === null && !mine.passed) actions.prepareDraft(card.session, card.cardId);
  }, [actions, card.session, card.cardId, mine.submittedAt, mine.passed]);

  // Two people share a side-by-side layout; a group lists answers in one column with a compact
  // reaction row under each, so the card does not grow by five buttons per friend (APP-25).
  const group = others.length > 1;
  const revealedOthers = others.filter((other) => other.text !== null);
  const anyRevealedText = revealedOthers.length > 0;
  // The live region exists from the start, so the reveal is announced when its text appears.
  const announcement = mine.submittedAt !== null ? openAnswersAnnouncement(1 + revealedOthers.length, 1 + others.length) : '';

  const turn = decideTurnHint(card, me?.id ?? null);
  const turnText = turn ? turnHintText({ isViewer: turn.isViewer, name: nameOf(turn.firstId) }) : null;
  const showDeeper = revealed && anyRevealedText && prompt?.deeper;
  const myId = me?.id ?? '';

  const [allowEarly, setAllowEarly] = useState(false);
  const othersNames = listNames(others.map((other) => nameOf(other.memberId)));

  function submit() {
    if (actions.submit(card.session, card.cardId, { allowEarly })) onTyping(false);
  }

  return (
    <section className="stack stack--loose" aria-labelledby={headingId}>
      <PromptCard
        level={prompt?.level ?? 1}
        levelName={prompt ? LEVEL_NAMES[prompt.level] : 'Card'}
        kindName={prompt ? KIND_NAMES[prompt.kind] : 'Unknown card'}
        text={prompt?.text ?? 'This card isn’t in this version of the deck. You can still answer it in your own words, or pass.'}
        position={position}
        note={card.isThenAndNow ? `Then and now${card.thenAndNowFrom ? ` · first drawn in session ${card.thenAndNowFrom}` : ''}` : null}
        deeper={showDeeper ? prompt?.deeper : null}
        headingId={headingId}
      >
        {live && turnText && (
          <p className="turn">
            <Icon name="sparkle" />
            {turnText}
          </p>
        )}
      </PromptCard>

      <p className="visually-hidden" aria-live="polite">
        {announcement}
      </p>

      <div className={group ? 'answers answers--group' : 'answers'}>
        {mine.submittedAt !== null ? (
          <AnswerCard name={me?.name ?? 'You'} label="Your answer" text={mine.text}>
            {card.answers.seenEarlyBy.length > 0 && (
              <p className="faint seen-early">
                <Icon name="eye" /> {listNames(card.answers.seenEarlyBy.map(nameOf))} opened this before answering, as you allowed.
              </p>
            )}
            <ReceivedResponses card={card} answerId={myId} viewerId={myId} nameOf={nameOf} />
          </AnswerCard>
        ) : mine.passed ? (
          <section className="answer answer--mine" aria-label="Your answer">
            <div className="passed">
              <p>
                <strong>You passed this card.</strong> No reason needed — it costs nothing.
              </p>
              <p className="faint">{passedVeilNote(company)}</p>
              <div>
                <Button small icon="pen" onClick={() => actions.setPassed(card.session, card.cardId, false)}>
                  Answer after all
                </Button>
              </div>
            </div>
          </section>
        ) : (
          <section className="answer answer--mine" aria-label="Your answer">
            <p className="answer__who">Your answer</p>
            <AnswerEditor
              id={`answer-${card.key}`}
              label={`Your answer to: ${prompt?.text ?? 'this card'}`}
              value={mine.text}
              onChange={(text) => actions.editDraft(card.session, card.cardId, text)}
              onTyping={onTyping}
              describedBy={hintId}
              autoFocus={autoFocus}
            />
            <p id={hintId} className="faint">
              Only you can read this until you share it. Your draft is kept, even if you close the page.
            </p>
            {others.length > 0 && (
              <label className="check">
                <input type="checkbox" checked={allowEarly} onChange={(event) => setAllowEarly(event.target.checked)} />
                <span>Let {othersNames} open it before answering (you’ll see if they do)</span>
              </label>
            )}
            <div className="answer__foot">
              <Button variant="quiet" small icon="pass" onClick={() => actions.setPassed(card.session, card.cardId, true)}>
                Pass this card
              </Button>
              <Button variant="primary" icon="eye" disabled={mine.text.trim() === ''} onClick={submit}>
                Share my answer
              </Button>
            </div>
          </section>
        )}

        {others.map((other) => {
          const name = nameOf(other.memberId);
          const typing = peers.some((peer) => peer.memberId === other.memberId && peer.typing && peer.activeCardId === card.key);
          if (other.text !== null) {
            const myReaction = card.reactions.find((entry) => entry.memberId === myId && entry.answerId === other.memberId)?.reaction ?? null;
            return (
              <AnswerCard key={other.memberId} name={name} label={`${name}’s answer`} text={other.text} partner>
                <ReactionBar
                  label={`React to ${name}’s answer`}
                  options={REACTION_OPTIONS}
                  selected={myReaction}
                  compact={group}
                  onSelect={(reaction) => actions.react(card.session, card.cardId, other.memberId, reaction)}
                />
                <ReceivedResponses card={card} answerId={other.memberId} viewerId={myId} nameOf={nameOf} />
                {group && <WhatIHeard card={card} actions={actions} answerId={other.memberId} name={name} myId={myId} inGroup />}
              </AnswerCard>
            );
          }
          return (
            <VeiledAnswer
              key={other.memberId}
              name={name}
              state={other.state}
              typing={typing}
              youSubmitted={mine.submittedAt !== null}
              waitingHint={veilHint(company.groupSize)}
              opening={other.opening}
              mismatch={other.mismatch}
              peeked={other.peeked}
              onSeeAnyway={other.openableEarly ? () => actions.lookEarly(card.session, card.cardId, other.memberId) : undefined}
            />
          );
        })}
      </div>

      {card.earlier && (
        <section className="then" aria-labelledby={`${headingId}-then`}>
          <h3 id={`${headingId}-then`} className="then__title">
            {thenHeading(card.earlier)}
          </h3>
          <p className="faint">{thenNote(company)}</p>
          <div className={group ? 'answers answers--group' : 'answers'}>
            {card.earlier.answers.map((answer) => {
              const isMe = answer.memberId === myId;
              const name = isMe ? (me?.name ?? 'You') : nameOf(answer.memberId);
              return <AnswerCard key={answer.memberId} name={name} label={isMe ? 'What you wrote then' : `What ${name} wrote then`} text={answer.text} partner={!isMe} />;
            })}
          </div>
        </section>
      )}

      {revealed && !group && revealedOthers.map((other) => (
        <WhatIHeard key={other.memberId} card={card} actions={actions} answerId={other.memberId} name={nameOf(other.memberId)} myId={myId} />
      ))}
    </section>
  );
}

/**
 * What others said to one answer (APP-23): reactions and "what I heard" whose target is this
 * answer. The viewer's own reaction shows as the pressed button instead; their own reply shows in
 * "What you heard".
 */
function ReceivedResponses({ card, answerId, viewerId, nameOf }: { card: CardView; answerId: string; viewerId: string; nameOf: (id: string) => string }) {
  const reactions = card.reactions.filter((entry) => entry.answerId === answerId && entry.memberId !== viewerId);
  const replies = card.replies.filter((entry) => entry.answerId === answerId && entry.memberId !== viewerId);
  if (!reactions.length && !replies.length) return null;
  return (
    <div className="responses">
      {reactions.map((entry) => (
        <p key={entry.memberId} className="received">
          <Icon name={REACTION_ICONS[entry.reaction]} />
          {nameOf(entry.memberId)}: {REACTION_WORDS[entry.reaction]}
        </p>
      ))}
      {replies.map((reply) => (
        <div key={reply.memberId} className="reply">
          <p className="reply__who">What {nameOf(reply.memberId)} heard</p>
          <p className="reply__text">{reply.text}</p>
        </div>
      ))}
    </div>
  );
}

/**
 * "What I heard" in one answer (APP-6, APP-23). For two it is a panel under both answers; in a
 * group it sits inside each friend's answer, folded until asked for, to keep the card short.
 */
function WhatIHeard({ card, actions, answerId, name, myId, inGroup }: { card: CardView; actions: RoomActions; answerId: string; name: string; myId: string; inGroup?: boolean }) {
  const mine = card.replies.find((reply) => reply.memberId === myId && reply.answerId === answerId) ?? null;
  const [editing, setEditing] = useState(false);
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const panelClass = inGroup ? 'heard heard--inline' : 'panel panel--sunk';

  if (mine && !editing) {
    return (
      <section className={panelClass} aria-label={inGroup ? `What you heard in ${name}’s answer` : 'What you heard'}>
        <div className="reply">
          <p className="reply__who">What you heard</p>
          <p className="reply__text">{mine.text}</p>
        </div>
        <div>
          <Button
            small
            variant="quiet"
            icon="pen"
            onClick={() => {
              setText(mine.text);
              setEditing(true);
            }}
          >
            Change it
          </Button>
        </div>
      </section>
    );
  }
  if (inGroup && !open && !editing) {
    return (
      <div>
        <Button small variant="quiet" icon="chat" onClick={() => setOpen(true)}>
          Say what you heard
        </Button>
      </div>
    );
  }
  return (
    <form
      className={panelClass}
      aria-label={inGroup ? `What you heard in ${name}’s answer` : undefined}
      onSubmit={(event) => {
        event.preventDefault();
        if (!text.trim()) return;
        actions.reply(card.session, card.cardId, answerId, text);
        setEditing(false);
        setOpen(false);
        setText('');
      }}
    >
      <TextArea
        short
        label={inGroup ? `What I heard in ${name}’s answer` : 'What I heard'}
        hint={whatIHeardHint(name)}
        maxLength={1000}
        value={text}
        autoFocus={inGroup && !editing}
        onChange={(event) => setText(event.target.value)}
      />
      <div className="row row--end">
        {(editing || inGroup) && (
          <Button
            small
            variant="quiet"
            onClick={() => {
              setEditing(false);
              setOpen(false);
            }}
          >
            {editing ? 'Keep the old one' : 'Not now'}
          </Button>
        )}
        <Button small type="submit" variant="primary" disabled={!text.trim()}>
          Share what I heard
        </Button>
      </div>
    </form>
  );
}
