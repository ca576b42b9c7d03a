import { describe, expect, it } from 'vitest';
import { parseRoute, roomPath } from './router.ts';

describe('routes', () => {
  it('parses every screen and rejects anything else', () => {
    expect(parseRoute('/')).toEqual({ name: 'home' });
    expect(parseRoute('/new/')).toEqual({ name: 'new' });
    expect(parseRoute('/join')).toEqual({ name: 'join' });
    expect(parseRoute(roomPath('AbC_-123'))).toEqual({ name: 'room', roomId: 'AbC_-123', tab: 'session' });
    expect(parseRoute(roomPath('AbC_-123', 'history'))).toEqual({ name: 'room', roomId: 'AbC_-123', tab: 'history' });
    expect(parseRoute('/r/AbC_-123/room')).toEqual({ name: 'room', roomId: 'AbC_-123', tab: 'room' });
    expect(parseRoute('/r/AbC_-123/secrets')).toEqual({ name: 'not-found' });
    expect(parseRoute('/r/../etc')).toEqual({ name: 'not-found' });
  });
});
