import fc from 'fast-check';

// Property tests are seeded so CI is deterministic; FC_SEED=<n> explores other seeds locally.
// A seed that finds a bug becomes its own named test next to the property.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261125) });
