// Sealed answers on a device: the device list and the vault that reads and writes answers with keys.
export * from './deviceList.ts';
export * from './AnswerVault.ts';
