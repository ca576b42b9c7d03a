import { useEffect, useLayoutEffect, useRef } from 'react';
import { MAX_ANSWER_LENGTH } from '@seen/shared/doc';

const TYPING_IDLE_MS = 2_500;

/**
 * The draft textarea. The text lives in the shared document (so it survives reloads and follows the
 * member to their other devices); this component keeps the caret where it was when an edit arrives
 * from another device, and reports "typing" for presence without ever sending the text there.
 */
export function AnswerEditor({
  id,
  label,
  value,
  onChange,
  onTyping,
  describedBy,
  autoFocus,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (text: string) => void;
  onTyping: (typing: boolean) => void;
  describedBy?: string;
  autoFocus?: boolean;
}) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const lastLocal = useRef(value);
  const selection = useRef<{ start: number; end: number } | null>(null);
  const idleTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  // A remote edit changed the text: shift the caret by however much text arrived before it.
  useLayoutEffect(() => {
    const textarea = ref.current;
    const previous = lastLocal.current;
    lastLocal.current = value;
    if (!textarea || previous === value || document.activeElement !== textarea || !selection.current) return;
    let prefix = 0;
    while (prefix < previous.length && prefix < value.length && previous[prefix] === value[prefix]) prefix++;
    const delta = value.length - previous.length;
    const shift = (position: number) => (position <= prefix ? position : Math.max(prefix, position + delta));
    textarea.setSelectionRange(shift(selection.current.start), shift(selection.current.end));
  }, [value]);

  useEffect(
    () => () => {
      if (idleTimer.current) clearTimeout(idleTimer.current);
      onTyping(false);
    },
    [onTyping],
  );

  function remember() {
    const textarea = ref.current;
    if (textarea) selection.current = { start: textarea.selectionStart, end: textarea.selectionEnd };
  }

  return (
    <div className="field">
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <textarea
        ref={ref}
        id={id}
        className="textarea"
        value={value}
        maxLength={MAX_ANSWER_LENGTH}
        autoFocus={autoFocus}
        aria-describedby={describedBy}
        placeholder="Take your time. Write it the way you’d say it."
        onSelect={remember}
        onKeyUp={remember}
        onChange={(event) => {
          lastLocal.current = event.target.value;
          selection.current = { start: event.target.selectionStart, end: event.target.selectionEnd };
          onChange(event.target.value);
          onTyping(true);
          if (idleTimer.current) clearTimeout(idleTimer.current);
          idleTimer.current = setTimeout(() => onTyping(false), TYPING_IDLE_MS);
        }}
        onBlur={() => {
          if (idleTimer.current) clearTimeout(idleTimer.current);
          onTyping(false);
        }}
      />
    </div>
  );
}
