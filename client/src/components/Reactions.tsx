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
}: {
  label: string;
  options: readonly ReactionOption<T>[];
  selected: T | null;
  onSelect: (id: T | null) => void;
}) {
  return (
    <div className="reactions" role="group" aria-label={label}>
      {options.map((option) => (
        <button
          key={option.id}
          type="button"
          className="reaction"
          aria-pressed={selected === option.id}
          onClick={() => onSelect(selected === option.id ? null : option.id)}
        >
          <Icon name={option.icon} />
          {option.label}
        </button>
      ))}
    </div>
  );
}
