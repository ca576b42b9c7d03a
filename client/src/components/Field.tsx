import { useId, type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes } from 'react';

interface FieldFrameProps {
  label: string;
  hint?: ReactNode;
  error?: string | null;
  hideLabel?: boolean;
}

export function TextField({ label, hint, error, hideLabel, ...input }: FieldFrameProps & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : 'field__label'}>
        {label}
      </label>
      {hint && <p id={hintId} className="field__hint">{hint}</p>}
      <input
        id={id}
        className="input"
        aria-invalid={error ? true : undefined}
        aria-describedby={[hint && hintId, error && errorId].filter(Boolean).join(' ') || undefined}
        {...input}
      />
      {error && <p id={errorId} className="field__error">{error}</p>}
    </div>
  );
}

export function TextArea({ label, hint, error, hideLabel, short, ...textarea }: FieldFrameProps & { short?: boolean } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : 'field__label'}>
        {label}
      </label>
      {hint && <p id={hintId} className="field__hint">{hint}</p>}
      <textarea
        id={id}
        className={short ? 'textarea textarea--short' : 'textarea'}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hint && hintId, error && errorId].filter(Boolean).join(' ') || undefined}
        {...textarea}
      />
      {error && <p id={errorId} className="field__error">{error}</p>}
    </div>
  );
}
