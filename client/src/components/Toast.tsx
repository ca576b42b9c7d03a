/** A short confirmation ("Link copied"), announced politely to screen readers. */
export function Toast({ message }: { message: string | null }) {
  return (
    <div role="status" aria-live="polite" className={message ? 'toast' : 'visually-hidden'}>
      {message ?? ''}
    </div>
  );
}
