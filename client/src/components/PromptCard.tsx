import type { ReactNode } from 'react';

export interface PromptCardProps {
  readonly level: 1 | 2 | 3;
  readonly levelName: string;
  readonly kindName: string;
  readonly text: string;
  readonly position?: string;
  readonly note?: string | null;
  readonly deeper?: string | null;
  readonly headingId?: string;
  readonly children?: ReactNode;
}

/** A prompt, drawn as a physical card: level colour band, small caps meta, the words in serif. */
export function PromptCard({ level, levelName, kindName, text, position, note, deeper, headingId, children }: PromptCardProps) {
  return (
    <article className="prompt" data-level={level} aria-labelledby={headingId}>
      <div className="prompt__meta">
        <span className="prompt__level">{levelName}</span>
        <span aria-hidden="true">·</span>
        <span>{kindName}</span>
        {position && (
          <>
            <span aria-hidden="true">·</span>
            <span>{position}</span>
          </>
        )}
      </div>
      {note && <p className="chip">{note}</p>}
      <h2 className="prompt__text" id={headingId} tabIndex={-1}>
        {text}
      </h2>
      {deeper && <p className="prompt__deeper">Going further: {deeper}</p>}
      {children}
    </article>
  );
}
