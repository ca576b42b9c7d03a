import type { ReactNode } from 'react';
import { Avatar } from './Avatar.tsx';
import { Icon } from './Icon.tsx';

export function AnswerCard({ name, label, text, partner, children }: { name: string; label: string; text: string; partner?: boolean; children?: ReactNode }) {
  return (
    <section className={`answer ${partner ? 'answer--partner' : 'answer--mine'}`} aria-label={label}>
      <p className="answer__who">
        <Avatar name={name} partner={partner} small />
        {label}
      </p>
      <p className="answer__text">{text}</p>
      {children}
    </section>
  );
}

export type VeilState = 'none' | 'writing' | 'submitted' | 'passed';

/** Where another member's answer will appear: it says only whether it exists, never what it says. */
export function VeiledAnswer({
  name,
  state,
  typing,
  youSubmitted,
  waitingHint,
  opening = false,
  mismatch = false,
  peeked = false,
  onSeeAnyway,
}: {
  name: string;
  state: VeilState;
  typing: boolean;
  youSubmitted: boolean;
  /** Shared and due to open, but this device does not hold its key yet (SEALED-10). */
  opening?: boolean;
  /** The key does not match what was committed: kept aside, never shown (SEALED-11). */
  mismatch?: boolean;
  /** Their device took the keys from the server's escrow without sharing an answer (SEALED-17). */
  peeked?: boolean;
  /** The author let the others open it before answering: the viewer may, and the author will know (SEALED-18). */
  onSeeAnyway?: () => void;
  /** What to say while the viewer has not shared yet; it depends on how many are at the table. */
  waitingHint: string;
}) {
  const headline = (() => {
    if (mismatch) return `${name}’s answer does not match what was committed`;
    if (opening) return `Opening ${name}’s answer…`;
    if (state === 'passed') return `${name} passed this card`;
    if (state === 'submitted') return `${name} has answered`;
    if (typing || state === 'writing') return `${name} is writing…`;
    return `${name} hasn’t started yet`;
  })();
  const hint = (() => {
    if (mismatch) return `Seen kept it aside and will not show it: it is not what ${name} sealed. Ask ${name} to share it again.`;
    if (opening) return `It opens as soon as this device gets its key: from the server, or from ${name}’s device when it is next online.`;
    if (state === 'passed') return 'No reason needed. You can still answer for yourself.';
    if (state === 'submitted') return youSubmitted ? '' : 'Their answer opens as soon as you share yours.';
    return youSubmitted ? 'Their answer will open here when they share it.' : waitingHint;
  })();
  return (
    <section className="answer answer--partner" aria-label={`${name}’s answer`}>
      <p className="answer__who">
        <Avatar name={name} partner small />
        {name}
      </p>
      <div className="veil">
        <Icon name={mismatch ? 'alert' : state === 'submitted' ? 'lock' : state === 'passed' ? 'pass' : 'pen'} />
        <p className="veil__state" aria-live="polite">
          {headline}
        </p>
        <span className="writing-dots" data-active={typing || state === 'writing' ? 'true' : 'false'} aria-hidden="true">
          <span />
          <span />
          <span />
        </span>
        {hint && <p className="veil__hint">{hint}</p>}
        {onSeeAnyway && (
          <div className="veil__early">
            <p className="veil__hint">{name} let you open it before you answer. {name} will see that you did.</p>
            <button type="button" className="button button--small" onClick={onSeeAnyway}>
              See {name}’s answer now
            </button>
          </div>
        )}
        {peeked && (
          <p className="veil__hint veil__hint--warn" role="status">
            {name}’s device took the key to your answer from the server without sharing one of its own. Seen shows it here so you know.
          </p>
        )}
      </div>
    </section>
  );
}
