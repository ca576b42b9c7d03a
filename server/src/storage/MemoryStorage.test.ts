import { registerStorageContractTests } from '../../test/storageContract.ts';
import { createMemoryStorage } from './MemoryStorage.ts';

registerStorageContractTests('memory', async () => {
  const storage = createMemoryStorage();
  return { storage, cleanup: () => storage.close() };
});
