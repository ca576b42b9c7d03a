export * from './constants.ts';
export * from './result.ts';
export * from './bytes.ts';
export * from './base64url.ts';
export * from './envelopeHeader.ts';
export * from './authTranscript.ts';
export * from './frames.ts';
