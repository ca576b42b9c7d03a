import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

// The floor: a bare `ws` forwarder with no auth, no parsing and no log. Each binary message is
// sent unchanged to the other sockets of the same room (the URL path). perMessageDeflate off.
const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';
const rooms = new Map<string, Set<WebSocket>>();
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });

const server = createServer((_request, response) => {
  response.writeHead(200, { 'Content-Type': 'text/plain' }).end('floor');
});
server.on('upgrade', (request, socket, head) => {
  const room = request.url ?? '/';
  wss.handleUpgrade(request, socket, head, (ws) => {
    let members = rooms.get(room);
    if (members === undefined) {
      members = new Set();
      rooms.set(room, members);
    }
    const peers = members;
    peers.add(ws);
    ws.on('message', (data, isBinary) => {
      for (const peer of peers) if (peer !== ws) peer.send(data, { binary: isBinary });
    });
    ws.on('error', () => undefined);
    ws.on('close', () => {
      peers.delete(ws);
      if (peers.size === 0) rooms.delete(room);
    });
  });
});
server.listen(port, host, () => console.log(`floor ready on ${host}:${port}`));
