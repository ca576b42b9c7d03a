export type PresenceState = 'here' | 'typing' | 'away';

export interface StatusLineProps {
  readonly sync: { readonly tone: 'saved' | 'syncing' | 'offline' | 'problem'; readonly label: string; readonly detail: string };
  readonly partner: { readonly text: string; readonly state: PresenceState } | null;
}

/**
 * Always visible, always in words. Both parts keep their space when their text changes, so
 * presence coming and going never moves the page.
 */
export function StatusLine({ sync, partner }: StatusLineProps) {
  return (
    <div className="statusline">
      <p className={`sync sync--${sync.tone}`} role="status" aria-live="polite" title={sync.detail}>
        <span className="sync__dot" aria-hidden="true" />
        <span>
          {sync.label}
          <span className="visually-hidden">. {sync.detail}</span>
        </span>
      </p>
      {partner && (
        <p className={`presence presence--${partner.state}`} aria-live="polite" title={partner.text}>
          <span className="presence__dot" aria-hidden="true" />
          <span>{partner.text}</span>
        </p>
      )}
    </div>
  );
}
