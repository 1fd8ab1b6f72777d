// A WebSocket server on Node's `ws` (Debian's node-ws), scripted by the messages it gets:
//   "ping:<payload>"         -> sends a ping with <payload>; when its pong comes, sends "pong-seen:<payload>"
//   "close:<code>:<reason>"  -> closes with that code and reason
//   anything else            -> echoed, text as text, binary as binary
// and a ping from the client is reported as "ping-seen:<payload>" (ws answers it with a pong by itself).
// Prints "PORT <n>" once it listens on 127.0.0.1 (argv[2], 0 for any free port).
'use strict';
const { WebSocketServer } = require('/usr/share/nodejs/ws');

const server = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2] || 0), maxPayload: 16 * 1024 * 1024 });
server.on('listening', () => console.log(`PORT ${server.address().port}`));
server.on('connection', (socket) => {
  socket.on('ping', (data) => socket.send(`ping-seen:${data.toString('utf8')}`));
  socket.on('pong', (data) => socket.send(`pong-seen:${data.toString('utf8')}`));
  socket.on('message', (data, isBinary) => {
    const text = isBinary ? null : data.toString('utf8');
    if (text !== null && text.startsWith('ping:')) {
      socket.ping(Buffer.from(text.slice(5), 'utf8'));
    } else if (text !== null && text.startsWith('close:')) {
      const [, code, reason] = text.split(':');
      socket.close(Number(code), reason);
    } else {
      socket.send(data, { binary: isBinary });
    }
  });
});
