// Preloaded into every benchmarked server (node --expose-gc --import probe.mjs ...). It answers
// the orchestrator over the IPC channel: heap after a forced GC, and event-loop delay. It does no
// work until asked, apart from the event-loop delay monitor, which every server carries alike.
import { monitorEventLoopDelay } from 'node:perf_hooks';

if (typeof process.send === 'function') {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  process.on('message', (message) => {
    if (message === null || typeof message !== 'object') return;
    if (message.cmd === 'heap') {
      if (typeof globalThis.gc === 'function') {
        globalThis.gc();
        globalThis.gc();
      }
      const usage = process.memoryUsage();
      process.send({ id: message.id, heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers, rss: usage.rss });
    } else if (message.cmd === 'eld') {
      process.send({
        id: message.id,
        p50: delay.percentile(50) / 1e6,
        p99: delay.percentile(99) / 1e6,
        max: delay.max / 1e6,
      });
      if (message.reset) delay.reset();
    } else if (message.cmd === 'exit') {
      // A clean exit, so that --cpu-prof writes its profile.
      process.exit(0);
    }
  });
  // The IPC channel must not keep a server alive on its own, nor stop it from exiting.
  if (process.channel && typeof process.channel.unref === 'function') process.channel.unref();
}
