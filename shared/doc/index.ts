// Public surface of the room document schema. Consumers import from '@seen/shared/doc' only.
export * from './schema.ts';
export * from './origins.ts';
export * from './room.ts';
export * from './members.ts';
export * from './sessions.ts';
export * from './answers.ts';
export * from './responses.ts';
export * from './depth.ts';
export * from './checkins.ts';
export * from './customPrompts.ts';
export * from './live.ts';
export * from './presence.ts';
export * from './migrations.ts';
export * from './record.ts';
export * from './ritual.ts';
