export * from './roomSecret.ts';
export * from './deriveRoomKeys.ts';
export * from './padding.ts';
export * from './envelope.ts';
export * from './deviceKeys.ts';
export { ed25519KeyPairFromSeed, ed25519SignDetached, ed25519VerifyDetached } from './webCryptoEd25519.ts';
export * from './sealedAnswer.ts';
export * from './answerKeys.ts';
export * from './DeviceBoxer.ts';
