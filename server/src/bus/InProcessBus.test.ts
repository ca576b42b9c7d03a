import { registerBusContractTests } from '../../test/busContract.ts';
import { createInProcessHub } from './InProcessBus.ts';
import type { RoomBus } from './RoomBus.ts';

registerBusContractTests('in-process hub', async () => {
  const hub = createInProcessHub();
  const buses: RoomBus[] = [];
  return {
    createBus(logger) {
      const bus = hub.connect({ logger });
      buses.push(bus);
      return bus;
    },
    async publishRaw(roomId, bytes) {
      hub.publishRaw(roomId, bytes);
    },
    async cleanup() {
      await Promise.all(buses.map((bus) => bus.close()));
    },
  };
});
