import { Icon, type IconName } from './Icon.tsx';

export interface ReactionOption<T extends string> {
  readonly id: T;
  readonly label: string;
  readonly icon: IconName;
}

export function ReactionBar<T extends string>({
  label,
  options,
  selected,
  onSelect,
  compact,
}: {
  label: string;
  options: readonly ReactionOption<T>[];
  selected: T | null;
  onSelect: (id: T | null) => void;
  /**
   * One row of icon buttons (each named by its word, shown as a tooltip) with the chosen word beside
   * them: for a group, where a full row of words under every answer would make the card very long.
   */
  compact?: boolean;
}) {
  const chosen = options.find((option) => option.id === selected) ?? null;
  return (
    <div className={compact ? 'reactions reactions--compact' : 'reactions'} role="group" aria-label={label}>
      {options.map((option) => (
        <button
          key={option.id}
          type="button"
          className="reaction"
          aria-pressed={selected === option.id}
          aria-label={compact ? option.label : undefined}
          title={compact ? option.label : undefined}
          onClick={() => onSelect(selected === option.id ? null : option.id)}
        >
          <Icon name={option.icon} />
          {!compact && option.label}
        </button>
      ))}
      {compact && (
        <span className="reactions__chosen" aria-hidden="true">
          {chosen ? chosen.label : ''}
        </span>
      )}
    </div>
  );
}
