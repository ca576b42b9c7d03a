// Two processes edit one Y.Text through a Seen relay, end to end encrypted:
//   node edit-together.mjs ws://127.0.0.1:8080           creates a room and prints its invite link
//   node edit-together.mjs ws://127.0.0.1:8080 '<link>'  joins that room from another process
import * as Y from 'yjs';
import WebSocket from 'ws';
import { createInviteLink, createRoomSession, parseInviteLink } from '@seen/sync';

const [relayUrl, link] = process.argv.slice(2);
const invite = link ? parseInviteLink(link) : createInviteLink('https://seen.example');
if (link && !invite.ok) throw new Error(invite.error.message);
const secret = link ? invite.value : invite.secret;
if (!link) console.log(invite.link);

const doc = new Y.Doc();
const room = createRoomSession({ secret, relayUrl, doc, WebSocket });
await room.whenSynced();
const text = doc.getText('notes');
text.insert(text.length, link ? '[joined]' : '[created]');
const bothWrote = () => text.toString().includes('[created]') && text.toString().includes('[joined]');
await new Promise((resolve) => (bothWrote() ? resolve() : text.observe(() => bothWrote() && resolve())));
await room.whenSaved();
console.log(text.toString());
room.destroy();
