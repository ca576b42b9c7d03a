// Records every shipped prompt id in shared/decks/shipped-ids.json (DECK-10).
//
//   npx tsx shared/decks/scripts/recordShippedIds.ts                  add new ids; refuse if one vanished
//   npx tsx shared/decks/scripts/recordShippedIds.ts --allow-removal  rewrite from the decks as they are
//
// Ids only ever get added: a room's history and answers refer to prompt ids, so an id that vanishes
// orphans people's answers. --allow-removal exists for replacing placeholder ids before the first
// release, not for shipping.
import { writeFileSync } from 'node:fs';
import { parseDeckFile } from '../parseDeck';
import { SHIPPED_IDS_PATH, findMissingIds, readRecordedIds, readShippedDeckFiles } from '../testing/readDeckFiles';

const ALLOW_REMOVAL_FLAG = '--allow-removal';
const ABOUT =
  'Every prompt id ever shipped. Ids may be added, never removed (DECK-10). Regenerate with: npx tsx shared/decks/scripts/recordShippedIds.ts';

function recordShippedIds(allowRemoval: boolean): number {
  const current: string[] = [];
  for (const { file, text } of readShippedDeckFiles()) {
    if (text === null) {
      console.error(`${file} is missing.`);
      return 1;
    }
    const result = parseDeckFile(text);
    if (!result.ok) {
      console.error(`${file} is invalid:\n${result.errors.map((error) => `  - ${error.message}`).join('\n')}`);
      return 1;
    }
    current.push(...result.value.prompts.map((prompt) => prompt.id));
  }
  const recorded = readRecordedIds();
  const missing = findMissingIds(recorded, current);
  if (missing.length > 0 && !allowRemoval) {
    console.error(`These shipped ids disappeared from the decks; restore them (ids are forever):\n  ${missing.join('\n  ')}`);
    console.error(`Use ${ALLOW_REMOVAL_FLAG} only to replace placeholder ids before the first release.`);
    return 1;
  }
  const ids = [...new Set(allowRemoval ? current : [...recorded, ...current])].sort();
  writeFileSync(SHIPPED_IDS_PATH, `${JSON.stringify({ about: ABOUT, ids }, null, 2)}\n`);
  const added = ids.length - (allowRemoval ? 0 : recorded.length);
  console.log(`Recorded ${ids.length} shipped ids in ${SHIPPED_IDS_PATH}${allowRemoval ? '' : ` (${added} new)`}.`);
  return 0;
}

process.exitCode = recordShippedIds(process.argv.includes(ALLOW_REMOVAL_FLAG));
