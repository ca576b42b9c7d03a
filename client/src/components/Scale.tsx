import { useId } from 'react';

/** 1–7 as a radio group: native arrow-key behaviour, each point labelled for screen readers. */
export function Scale({
  legend,
  value,
  onChange,
  labels,
  disabled,
}: {
  legend: string;
  value: number | null;
  onChange: (value: number) => void;
  labels: Readonly<Record<number, string>>;
  disabled?: boolean;
}) {
  const name = useId();
  const points = [1, 2, 3, 4, 5, 6, 7];
  return (
    <fieldset className="stack stack--tight" disabled={disabled}>
      <legend className="field__label">{legend}</legend>
      <div className="scale">
        {points.map((point) => (
          <label key={point} title={labels[point]}>
            <input type="radio" name={name} value={point} checked={value === point} onChange={() => onChange(point)} aria-label={`${point}: ${labels[point] ?? ''}`} />
            <span aria-hidden="true">{point}</span>
          </label>
        ))}
      </div>
      <div className="scale__ends" aria-hidden="true">
        <span>{labels[1]}</span>
        <span>{labels[7]}</span>
      </div>
    </fieldset>
  );
}
