import type pg from 'pg';

/** The layout this relay writes, kept in the one-row table `seen_schema`. */
export const POSTGRES_SCHEMA_VERSION = 5;

/**
 * Any constant shared by every Seen relay: while one relay holds this advisory lock, the others
 * starting at the same moment wait instead of creating the same tables twice.
 */
const MIGRATION_LOCK_KEY = 0x5eed_0001;

/** Outcome codes of seen_commit_sequenced, in SequencedOutcome's terms. */
export const OUTCOME_CODE = { stored: 0, duplicate: 1, conflict: 2, quota: 3, 'snapshot-rejected': 4, deleted: 5 } as const;

/**
 * commitSequenced in one round trip: the same rules as planSequencedCommit.ts (STORE-16..21),
 * run where the rows are, inside the caller's transaction (one statement = one transaction).
 * Rooms are locked in room id order (`ORDER BY … FOR UPDATE` locks rows as the sorted scan
 * returns them), so two relays committing to overlapping rooms never deadlock. The function is part
 * of the layout: changing it takes a new POSTGRES_SCHEMA_VERSION (CREATE OR REPLACE in its step),
 * so relays of one version never run another version's rules.
 */
const COMMIT_SEQUENCED_SQL = `
CREATE FUNCTION seen_commit_sequenced(
  p_rooms text[], p_session_sizes integer[], p_session_bytes bytea, p_seqs bigint[],
  p_envelope_sizes integer[], p_envelope_bytes bytea, p_covers bigint[], p_received bigint[],
  p_quota bigint, p_now bigint,
  OUT kinds smallint[], OUT relay_seqs bigint[], OUT freed_rooms text[], OUT freed_bytes bigint[]
) LANGUAGE plpgsql AS $fn$
DECLARE
  n integer := coalesce(array_length(p_rooms, 1), 0);
  p_sessions bytea[];
  p_envelopes bytea[];
  names text[];
  keys bigint[];
  nexts bigint[];
  useds bigint[];
  addeds bigint[];
  starts bigint[];
  freeds bigint[];
  write_room integer[];
  write_key bigint[];
  found_seq bigint[];
  found_same boolean[];
  first_of integer[];
  session_of integer[];
  blocked boolean[];
  k integer;
  i integer;
  e integer;
  freed bigint;
  rec record;
BEGIN
  -- An ACK promises a durable write: a database or role set to synchronous_commit = off would let
  -- this commit return before its WAL is flushed, so this transaction turns it back on (stronger
  -- settings such as remote_apply are left as they are).
  IF current_setting('synchronous_commit') = 'off' THEN
    PERFORM set_config('synchronous_commit', 'on', true);
  END IF;
  -- Session ids and envelopes arrive concatenated (one binary parameter each, no text escaping).
  SELECT array_agg(substring(p_session_bytes FROM parts.s_at FOR parts.s_len) ORDER BY parts.ord), array_agg(substring(p_envelope_bytes FROM parts.e_at FOR parts.e_len) ORDER BY parts.ord)
    INTO p_sessions, p_envelopes
    FROM (
      SELECT l.ord, l.s_len, l.e_len,
          (sum(l.s_len) OVER (ORDER BY l.ord) - l.s_len + 1)::integer AS s_at,
          (sum(l.e_len) OVER (ORDER BY l.ord) - l.e_len + 1)::integer AS e_at
        FROM unnest(p_session_sizes, p_envelope_sizes) WITH ORDINALITY AS l(s_len, e_len, ord)
    ) AS parts;
  kinds := array_fill(NULL::smallint, ARRAY[n]);
  relay_seqs := array_fill(NULL::bigint, ARRAY[n]);
  found_seq := array_fill(NULL::bigint, ARRAY[n]);
  found_same := array_fill(NULL::boolean, ARRAY[n]);
  write_room := array_fill(NULL::integer, ARRAY[n]);
  write_key := array_fill(NULL::bigint, ARRAY[n]);
  SELECT array_agg(r ORDER BY r) INTO names FROM (SELECT DISTINCT unnest(p_rooms) AS r) AS distinct_rooms;
  keys := array_fill(NULL::bigint, ARRAY[coalesce(array_length(names, 1), 0)]);
  nexts := keys; useds := keys; addeds := keys;
  FOR rec IN SELECT id, room_id, next_seq, used_bytes, deleted_at FROM rooms WHERE room_id = ANY (names) ORDER BY room_id FOR UPDATE LOOP
    k := array_position(names, rec.room_id);
    IF rec.deleted_at IS NULL THEN
      keys[k] := rec.id; nexts[k] := rec.next_seq; useds[k] := rec.used_bytes; addeds[k] := 0;
    END IF;
  END LOOP;
  starts := nexts;
  FOR i IN 1 .. n LOOP
    k := array_position(names, p_rooms[i]);
    write_room[i] := k;
    write_key[i] := keys[k];
  END LOOP;
  -- Which (session, seq) are stored already: a live row, else what compaction erased. LIMIT 1
  -- keeps each lookup a parameterized index probe (a join here would scan the whole log).
  FOR rec IN
    SELECT w.i::integer AS i, found.relay_seq, found.same
    FROM unnest(write_key, p_sessions, p_seqs, p_envelopes) WITH ORDINALITY AS w(room, session, seq, blob, i)
    CROSS JOIN LATERAL (
      SELECT env.relay_seq, env.blob = w.blob AS same FROM envelopes AS env
        WHERE env.room = w.room AND env.session = w.session AND env.seq = w.seq
      UNION ALL
      SELECT c.relay_seq, c.digest = sha256(w.blob) AS same FROM compacted AS c
        WHERE c.room = w.room AND c.session = w.session AND c.seq = w.seq
      LIMIT 1
    ) AS found
    WHERE w.room IS NOT NULL
  LOOP
    found_seq[rec.i] := rec.relay_seq; found_same[rec.i] := rec.same;
  END LOOP;
  -- Per write: the first write of the batch with its (room, session, seq), and a number for its
  -- (room, session), so repeats and quota blocks are array lookups in the loop below.
  SELECT array_agg(x.first_same ORDER BY x.ord), array_agg(x.session_no ORDER BY x.ord)
    INTO first_of, session_of
    FROM (
      SELECT w.ord, (min(w.ord) OVER (PARTITION BY w.k, w.session, w.seq))::integer AS first_same,
          (dense_rank() OVER (ORDER BY w.k, w.session))::integer AS session_no
        FROM unnest(write_room, p_sessions, p_seqs) WITH ORDINALITY AS w(k, session, seq, ord)
    ) AS x;
  blocked := array_fill(false, ARRAY[n]);
  FOR i IN 1 .. n LOOP
    k := write_room[i];
    IF keys[k] IS NULL THEN
      kinds[i] := ${OUTCOME_CODE.deleted};
      CONTINUE;
    END IF;
    IF found_seq[i] IS NOT NULL THEN
      IF found_same[i] THEN kinds[i] := ${OUTCOME_CODE.duplicate}; relay_seqs[i] := found_seq[i];
      ELSE kinds[i] := ${OUTCOME_CODE.conflict}; END IF;
      CONTINUE;
    END IF;
    e := first_of[i];
    IF e < i THEN
      IF kinds[e] <> ${OUTCOME_CODE.stored} THEN kinds[i] := kinds[e];
      ELSIF p_envelopes[e] = p_envelopes[i] THEN kinds[i] := ${OUTCOME_CODE.duplicate}; relay_seqs[i] := relay_seqs[e];
      ELSE kinds[i] := ${OUTCOME_CODE.conflict}; END IF;
      CONTINUE;
    END IF;
    IF blocked[session_of[i]] THEN
      kinds[i] := ${OUTCOME_CODE.quota};
    ELSIF p_covers[i] IS NOT NULL AND p_covers[i] >= nexts[k] THEN
      kinds[i] := ${OUTCOME_CODE['snapshot-rejected']};
    ELSIF p_covers[i] IS NULL AND useds[k] + addeds[k] + octet_length(p_envelopes[i]) > p_quota THEN
      kinds[i] := ${OUTCOME_CODE.quota};
      blocked[session_of[i]] := true;
    ELSE
      kinds[i] := ${OUTCOME_CODE.stored};
      relay_seqs[i] := nexts[k];
      nexts[k] := nexts[k] + 1;
      addeds[k] := addeds[k] + octet_length(p_envelopes[i]);
    END IF;
  END LOOP;
  INSERT INTO envelopes (room, relay_seq, session, seq, covers, size, received_at, blob)
    SELECT w.room, w.relay_seq, w.session, w.seq, w.covers, octet_length(w.blob), w.received, w.blob
    FROM unnest(write_key, relay_seqs, p_sessions, p_seqs, p_covers, p_received, p_envelopes, kinds)
      AS w(room, relay_seq, session, seq, covers, received, blob, kind)
    WHERE w.kind = ${OUTCOME_CODE.stored}
    ORDER BY w.room, w.relay_seq;
  -- Each stored snapshot supersedes everything up to its coverage: per room, up to the greatest.
  freeds := array_fill(0::bigint, ARRAY[coalesce(array_length(names, 1), 0)]);
  FOR rec IN
    SELECT w.k, max(w.covers) AS covers
    FROM unnest(write_room, p_covers, kinds) AS w(k, covers, kind)
    WHERE w.kind = ${OUTCOME_CODE.stored} AND w.covers IS NOT NULL
    GROUP BY w.k
  LOOP
    WITH superseded AS (
      UPDATE envelopes SET superseded_at = p_now
      WHERE room = keys[rec.k] AND relay_seq <= rec.covers AND superseded_at IS NULL
      RETURNING size
    ) SELECT coalesce(sum(size), 0) INTO freed FROM superseded;
    freeds[rec.k] := freed;
    IF freed > 0 THEN
      freed_rooms := array_append(freed_rooms, names[rec.k]);
      freed_bytes := array_append(freed_bytes, freeds[rec.k]);
    END IF;
  END LOOP;
  -- Only rooms that got rows; = ANY on the key keeps this an index probe per room.
  UPDATE rooms SET
      next_seq = nexts[array_position(keys, rooms.id)],
      used_bytes = rooms.used_bytes + addeds[array_position(keys, rooms.id)] - freeds[array_position(keys, rooms.id)]
    WHERE rooms.id = ANY (ARRAY(SELECT keys[sub] FROM generate_subscripts(keys, 1) AS sub WHERE nexts[sub] > starts[sub]));
END
$fn$;
`;

/**
 * Version 1. Mirrors the SQLite layout, plus what database sequencing needs on the room row:
 * `next_seq` (the room's counter: the relaySeq its next envelope gets) and `used_bytes` (the quota
 * account), both changed only under the row's lock. `rooms.id` is a row key for the other tables,
 * never an order: relaySeq comes from `next_seq`, not from a sequence (sequences hand out numbers
 * that commit out of order, which would open gaps a reader could skip).
 */
const SCHEMA_V1 = `
-- Every commit rewrites its rooms' counters: free space on each page keeps those updates HOT
-- (in place, no index entry) so the hot rows stay on few pages.
CREATE TABLE rooms (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  room_id text NOT NULL UNIQUE,
  auth_pk bytea NOT NULL,
  created_at bigint NOT NULL,
  sealed boolean NOT NULL DEFAULT false,
  deleted_at bigint,
  next_seq bigint NOT NULL DEFAULT 1,
  used_bytes bigint NOT NULL DEFAULT 0
) WITH (fillfactor = 50);
CREATE TABLE devices (
  room bigint NOT NULL,
  device_pk bytea NOT NULL,
  registered_at bigint NOT NULL,
  PRIMARY KEY (room, device_pk)
);
CREATE TABLE envelopes (
  room bigint NOT NULL,
  relay_seq bigint NOT NULL,
  session bytea NOT NULL,
  seq bigint NOT NULL,
  covers bigint,
  size integer NOT NULL,
  received_at bigint NOT NULL,
  superseded_at bigint,
  blob bytea NOT NULL,
  PRIMARY KEY (room, relay_seq),
  UNIQUE (room, session, seq)
);
-- Envelopes are ciphertext: compressing them only costs CPU.
ALTER TABLE envelopes ALTER COLUMN blob SET STORAGE EXTERNAL;
CREATE INDEX envelopes_snapshots ON envelopes (room, covers) WHERE covers IS NOT NULL;
CREATE INDEX envelopes_superseded ON envelopes (superseded_at) WHERE superseded_at IS NOT NULL;
-- What garbage collection erased, so a resend after compaction keeps its relaySeq (STORE-19).
CREATE TABLE compacted (
  room bigint NOT NULL,
  session bytea NOT NULL,
  seq bigint NOT NULL,
  relay_seq bigint NOT NULL,
  digest bytea NOT NULL,
  PRIMARY KEY (room, session, seq)
);
${COMMIT_SEQUENCED_SQL}
`;

/**
 * Version 1 to 2: Web Push. The VAPID key pair every relay shares and one push subscription per
 * device and room (PROTOCOL.md §3, PUSH_SUBSCRIBE).
 */
const MIGRATE_V1_TO_V2 = `
CREATE TABLE relay_settings (
  name text PRIMARY KEY,
  value text NOT NULL
);
CREATE TABLE push_subscriptions (
  room bigint NOT NULL,
  device_pk bytea NOT NULL,
  endpoint text NOT NULL,
  p256dh bytea NOT NULL,
  auth bytea NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (room, device_pk)
);
`;

/** Version 2 to 3: answer-key escrow (issue 12), as in SQLite's layout 5. */
const MIGRATE_V2_TO_V3 = `
CREATE TABLE escrow_deposits (
  room bigint NOT NULL,
  slot bytea NOT NULL,
  depositor bytea NOT NULL,
  kind smallint NOT NULL,
  record bytea NOT NULL,
  deposited_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (room, slot, depositor)
);
CREATE INDEX escrow_deposits_expiry ON escrow_deposits (expires_at);
CREATE TABLE escrow_boxes (
  room bigint NOT NULL,
  slot bytea NOT NULL,
  recipient bytea NOT NULL,
  depositor bytea NOT NULL,
  box bytea NOT NULL,
  PRIMARY KEY (room, slot, recipient, depositor)
);
`;

/**
 * Version 3 to 4: revoked devices (SEALED-19), as in SQLite's layout 6. A revoked device keeps its
 * row, so it stays refused and can never be registered again; existing devices are active.
 */
const MIGRATE_V3_TO_V4 = `
ALTER TABLE devices ADD COLUMN revoked_at bigint;
`;

/**
 * Version 4 to 5: admission tickets (SEALED-21), as in SQLite's layout 7. Only the ticket's hash is
 * kept, with the device that issued it and when.
 */
const MIGRATE_V4_TO_V5 = `
CREATE TABLE admission_tickets (
  room bigint NOT NULL,
  ticket_hash bytea NOT NULL,
  issued_by bytea NOT NULL,
  issued_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (room, ticket_hash)
);
CREATE INDEX admission_tickets_expiry ON admission_tickets (expires_at);
`;

/**
 * Brings the database to POSTGRES_SCHEMA_VERSION under an advisory lock (several relays may start
 * at once): creates it when empty, and refuses a database written by a newer relay instead of
 * guessing at it. The upgrade runs in one transaction: a failure leaves the old layout as it was.
 */
export async function migratePostgresSchema(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query('BEGIN');
      await client.query('CREATE TABLE IF NOT EXISTS seen_schema (version integer NOT NULL)');
      const { rows } = await client.query<{ version: number }>('SELECT version FROM seen_schema');
      const version = rows[0]?.version ?? 0;
      if (version > POSTGRES_SCHEMA_VERSION) {
        throw new Error(
          `The relay database uses storage layout ${version}, newer than this relay understands (${POSTGRES_SCHEMA_VERSION}). Upgrade this relay to the Seen version that wrote it (or newer), or point DATABASE_URL at another database.`,
        );
      }
      if (version < POSTGRES_SCHEMA_VERSION) {
        if (version < 1) await client.query(SCHEMA_V1);
        if (version < 2) await client.query(MIGRATE_V1_TO_V2);
        if (version < 3) await client.query(MIGRATE_V2_TO_V3);
        if (version < 4) await client.query(MIGRATE_V3_TO_V4);
        await client.query(MIGRATE_V4_TO_V5);
        if (rows.length === 0) await client.query('INSERT INTO seen_schema (version) VALUES ($1)', [POSTGRES_SCHEMA_VERSION]);
        else await client.query('UPDATE seen_schema SET version = $1', [POSTGRES_SCHEMA_VERSION]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}
