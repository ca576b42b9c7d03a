// Loaded only when someone exports: turns the room (as this member may see it) into Markdown and
// JSON files, entirely on this device. Veiled answers stay out (APP-17).
import type { RoomRecord } from '@seen/shared/doc';
import { KIND_NAMES, LEVEL_NAMES, type Deck } from '../../app/decks.ts';
import { resolvePrompt } from '../../app/roomView.ts';
import { CHECKIN_LABELS, REACTION_WORDS } from '../../app/words.ts';

export const EXPORT_FORMAT = 'seen-room-export';
export const EXPORT_VERSION = 1;

export interface ExportContext {
  readonly record: RoomRecord;
  readonly deck: Deck | null;
  readonly viewerId: string;
  readonly now: number;
}

function isoDate(at: number | null): string | null {
  return at === null ? null : new Date(at).toISOString();
}

function day(at: number | null): string {
  return at === null ? '' : new Date(at).toISOString().slice(0, 10);
}

export function buildJsonExport({ record, deck, viewerId, now }: ExportContext): string {
  const nameOf = (id: string) => record.members.find((member) => member.id === id)?.name ?? null;
  const data = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: isoDate(now),
    exportedBy: { memberId: viewerId, name: nameOf(viewerId) },
    note: 'Exported on this device from an end-to-end encrypted Seen room. Answers that were still veiled for the person exporting are not included.',
    room: {
      name: record.room.name,
      deck: deck ? { id: deck.id, title: deck.title } : { id: record.room.deckId, title: null },
      mode: record.room.mode,
      createdAt: isoDate(record.room.createdAt),
    },
    members: record.members.map((member) => ({ id: member.id, name: member.name, joinedAt: isoDate(member.joinedAt) })),
    sessions: record.sessions.map((session) => ({
      number: session.number,
      startedAt: isoDate(session.startedAt),
      closedAt: isoDate(session.closedAt),
      maxLevel: session.maxLevel,
      cards: session.cards.map((card) => {
        const prompt = resolvePrompt(deck, record.customPrompts, card.cardId);
        return {
          promptId: card.cardId,
          level: prompt?.level ?? null,
          kind: prompt?.kind ?? null,
          prompt: prompt?.text ?? null,
          answers: card.answers.map((answer) => ({
            memberId: answer.memberId,
            name: nameOf(answer.memberId),
            state: answer.state,
            text: answer.text,
            submittedAt: isoDate(answer.submittedAt),
          })),
          // Each response names the answer it is about (APP-23).
          replies: card.replies.map((reply) => ({ memberId: reply.memberId, name: nameOf(reply.memberId), answerId: reply.answerId, text: reply.text, at: isoDate(reply.at) })),
          reactions: card.reactions.map((reaction) => ({
            memberId: reaction.memberId,
            name: nameOf(reaction.memberId),
            answerId: reaction.answerId,
            reaction: reaction.reaction,
            at: isoDate(reaction.at),
          })),
        };
      }),
      checkins: session.checkins.entries.map((entry) => ({ memberId: entry.memberId, name: nameOf(entry.memberId), answered: entry.answered, value: entry.value })),
    })),
    // The room's own cards, in the deck format, so they can be imported elsewhere.
    ownCards: record.customPrompts.map((custom) => custom.prompt),
  };
  return `${JSON.stringify(data, null, 2)}\n`;
}

function quote(text: string): string {
  return text
    .split('\n')
    .map((line) => `> ${line}`)
    .join('\n');
}

export function buildMarkdownExport({ record, deck, viewerId, now }: ExportContext): string {
  const nameOf = (id: string) => (id === viewerId ? `${record.members.find((m) => m.id === id)?.name ?? 'You'} (you)` : (record.members.find((m) => m.id === id)?.name ?? 'Someone'));
  const lines: string[] = [];
  lines.push(`# ${record.room.name || 'Seen room'}`, '');
  lines.push(`Exported ${day(now)} from Seen · ${record.members.map((m) => m.name).join(' & ')}${deck ? ` · deck “${deck.title}”` : ''}`, '');
  lines.push('_Answers that were still veiled for you when you exported are not included._', '');
  for (const session of [...record.sessions].reverse()) {
    lines.push(`## Session ${session.number} — ${day(session.startedAt)}${session.closedAt ? ` to ${day(session.closedAt)}` : ' (open)'}`, '');
    if (session.checkins.revealed) {
      lines.push(
        `Closeness check-in: ${session.checkins.entries.map((entry) => `${nameOf(entry.memberId)} ${entry.value}/7${entry.value ? ` (${CHECKIN_LABELS[entry.value]})` : ''}`).join(', ')}`,
        '',
      );
    } else if (session.checkins.mine !== null) {
      lines.push(`Your closeness check-in: ${session.checkins.mine}/7 (the others’ are still private)`, '');
    }
    for (const card of session.cards) {
      const prompt = resolvePrompt(deck, record.customPrompts, card.cardId);
      lines.push(`### ${card.index + 1}. ${prompt?.text ?? `Card ${card.cardId}`}`, '');
      if (prompt) lines.push(`_${LEVEL_NAMES[prompt.level]} · ${KIND_NAMES[prompt.kind]}_`, '');
      for (const answer of card.answers) {
        const who = nameOf(answer.memberId);
        if (answer.text !== null && (answer.state === 'submitted' || answer.state === 'draft')) {
          lines.push(`**${who}**${answer.state === 'draft' ? ' (draft, not shared)' : ''}:`, '', quote(answer.text), '');
        } else if (answer.state === 'passed') {
          lines.push(`**${who}** passed this card.`, '');
        } else if (answer.state === 'submitted') {
          lines.push(`**${who}** answered (still veiled for you).`, '');
        }
      }
      for (const reply of card.replies) lines.push(`*What ${nameOf(reply.memberId)} heard in ${nameOf(reply.answerId)}’s answer:* ${reply.text}`, '');
      for (const reaction of card.reactions) lines.push(`*${nameOf(reaction.memberId)}, to ${nameOf(reaction.answerId)}:* ${REACTION_WORDS[reaction.reaction]}`, '');
    }
  }
  if (record.customPrompts.length) {
    lines.push('## Our own cards', '');
    for (const custom of record.customPrompts) lines.push(`- ${custom.prompt.text} _(${LEVEL_NAMES[custom.prompt.level]})_`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

export function fileNameFor(roomName: string, now: number, extension: 'md' | 'json'): string {
  const slug = roomName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'room';
  return `seen-${slug}-${day(now)}.${extension}`;
}

/** Hands the file to the browser's download. Nothing is uploaded anywhere. */
export function downloadFile(name: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
