import { useId, type InputHTMLAttributes, type ReactNode, type TextareaHTMLAttributes } from 'react';

interface FieldFrameProps {
  label: string;
  hint?: ReactNode;
  error?: string | null;
  hideLabel?: boolean;
}

/** The ids and ARIA attributes that tie a control to its label, hint and error. */
interface ControlProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

/** Label, optional hint and error around one control: the same for every kind of field. */
function FieldFrame({ label, hint, error, hideLabel, children }: FieldFrameProps & { children: (control: ControlProps) => ReactNode }) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : 'field__label'}>
        {label}
      </label>
      {hint && <p id={hintId} className="field__hint">{hint}</p>}
      {children({
        id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': [hint && hintId, error && errorId].filter(Boolean).join(' ') || undefined,
      })}
      {error && <p id={errorId} className="field__error">{error}</p>}
    </div>
  );
}

export function TextField({ label, hint, error, hideLabel, ...input }: FieldFrameProps & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <FieldFrame label={label} hint={hint} error={error} hideLabel={hideLabel}>
      {(control) => <input {...control} className="input" {...input} />}
    </FieldFrame>
  );
}

export function TextArea({ label, hint, error, hideLabel, short, ...textarea }: FieldFrameProps & { short?: boolean } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <FieldFrame label={label} hint={hint} error={error} hideLabel={hideLabel}>
      {(control) => <textarea {...control} className={short ? 'textarea textarea--short' : 'textarea'} {...textarea} />}
    </FieldFrame>
  );
}
