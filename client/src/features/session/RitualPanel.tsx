import { useId, useState, type FormEvent } from 'react';
import { Button } from '../../components/Button.tsx';
import { Notice } from '../../components/Notice.tsx';
import type { RoomActions } from '../../app/roomActions.ts';
import { ritualClock, weekdayName } from '../../app/ritual.ts';
import { companyOf, type RoomView } from '../../app/roomView.ts';
import { ritualNote, ritualSentence } from '../../app/words.ts';

const WEEKDAY_ORDER = [1, 2, 3, 4, 5, 6, 0] as const;
const DEFAULT_RITUAL = { weekday: 0, hour: 19, minute: 0 } as const;
const CLOCK = /^(\d{2}):(\d{2})$/;

/**
 * The weekly ritual time (APP-31): the sentence, "Add to calendar", and a small form to set or
 * change it. The calendar code (the `ics` library) loads only when someone asks for the file.
 */
export function RitualPanel({ view, actions }: { view: RoomView; actions: RoomActions }) {
  const ritual = view.ritual;
  const [editing, setEditing] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const titleId = useId();

  async function addToCalendar() {
    if (!ritual) return;
    setFailed(null);
    try {
      const [{ buildRitualCalendar, RITUAL_CALENDAR_FILE }, { downloadFile }] = await Promise.all([import('../../app/ritualCalendar.ts'), import('../export/exportRoom.ts')]);
      const text = buildRitualCalendar({ ritual, roomName: view.room.name, origin: window.location.origin, now: Date.now() });
      downloadFile(RITUAL_CALENDAR_FILE, text, 'text/calendar');
    } catch (error) {
      setFailed(error instanceof Error ? error.message : 'The calendar file could not be made. Please try again.');
    }
  }

  return (
    <section className="panel panel--quiet ritual" aria-labelledby={titleId}>
      <div className="stack stack--tight">
        <h2 id={titleId} className="ritual__title">
          {ritual ? ritualSentence({ weekdayName: weekdayName(ritual.weekday), clock: ritualClock(ritual) }) : 'A set time each week'}
        </h2>
        <p className="muted">{ritual ? ritualNote(companyOf(view)) : 'Choose a day and a time, and the week’s cards are drawn when it comes.'}</p>
      </div>
      {failed && (
        <Notice tone="error" title="No calendar file this time" live>
          {failed}
        </Notice>
      )}
      {editing ? (
        <RitualForm
          initial={ritual ?? DEFAULT_RITUAL}
          canRemove={ritual !== null}
          onSave={(next) => {
            actions.setRitual(next);
            setEditing(false);
          }}
          onCancel={() => setEditing(false)}
        />
      ) : (
        <div className="row">
          {ritual && (
            <Button small variant="primary" icon="download" onClick={() => void addToCalendar()}>
              Add to calendar
            </Button>
          )}
          <Button small variant="quiet" icon="pen" onClick={() => setEditing(true)}>
            {ritual ? 'Change the time' : 'Set a weekly time'}
          </Button>
        </div>
      )}
    </section>
  );
}

function RitualForm({
  initial,
  canRemove,
  onSave,
  onCancel,
}: {
  initial: { weekday: number; hour: number; minute: number };
  canRemove: boolean;
  onSave: (ritual: { weekday: number; hour: number; minute: number } | null) => void;
  onCancel: () => void;
}) {
  const [weekday, setWeekday] = useState(initial.weekday);
  const [clock, setClock] = useState(ritualClock(initial));
  const [error, setError] = useState<string | null>(null);
  const dayId = useId();
  const timeId = useId();
  const errorId = useId();

  function submit(event: FormEvent) {
    event.preventDefault();
    const match = CLOCK.exec(clock);
    const hour = Number(match?.[1]);
    const minute = Number(match?.[2]);
    if (!match || hour > 23 || minute > 59) {
      setError('Choose a time of day, such as 19:00.');
      return;
    }
    onSave({ weekday, hour, minute });
  }

  return (
    <form className="stack" onSubmit={submit} aria-label="Weekly time">
      <div className="ritual__fields">
        <div className="field">
          <label htmlFor={dayId} className="field__label">
            Day
          </label>
          <select id={dayId} className="select" value={weekday} onChange={(event) => setWeekday(Number(event.target.value))}>
            {WEEKDAY_ORDER.map((day) => (
              <option key={day} value={day}>
                {weekdayName(day)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={timeId} className="field__label">
            Time
          </label>
          <input
            id={timeId}
            className="input"
            type="time"
            required
            value={clock}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errorId : undefined}
            onChange={(event) => setClock(event.target.value)}
          />
        </div>
      </div>
      {error && (
        <p id={errorId} className="field__error">
          {error}
        </p>
      )}
      <div className="row row--end">
        {canRemove && (
          <Button small variant="quiet" onClick={() => onSave(null)}>
            No set time
          </Button>
        )}
        <Button small variant="quiet" onClick={onCancel}>
          Cancel
        </Button>
        <Button small type="submit" variant="primary">
          Save the time
        </Button>
      </div>
    </form>
  );
}
