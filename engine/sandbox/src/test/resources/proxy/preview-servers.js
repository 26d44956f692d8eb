// Test services for the preview proxy, Node stdlib only: an echo endpoint, a Server-Sent Events
// stream that sends its next event only when /sse/next is called, and a WebSocket echo.
const http = require('http');
const crypto = require('crypto');

const waiting = [];
const server = http.createServer((req, res) => {
  if (req.url === '/sse') {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    let n = 0;
    const send = () => {
      n += 1;
      res.write(`id: ${n}\ndata: event ${n}\n\n`);
      if (n === 3) res.end();
      else waiting.push(send);
    };
    send();
    return;
  }
  if (req.url === '/sse/next') {
    const next = waiting.shift();
    if (next) next();
    res.writeHead(next ? 204 : 409);
    res.end();
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    res.writeHead(200, { 'Content-Type': 'application/json', 'X-Custom-Reply': 'yes' });
    res.end(JSON.stringify({ method: req.method, url: req.url, length: body.length,
      body: body.length < 1000 ? body.toString() : '', headers: req.headers }));
  });
});

function frame(opcode, payload) {
  const length = payload.length;
  const head = length < 126
    ? Buffer.from([0x80 | opcode, length])
    : Buffer.from([0x80 | opcode, 126, length >> 8, length & 0xff]);
  return Buffer.concat([head, payload]);
}

server.on('upgrade', (req, socket) => {
  const accept = crypto.createHash('sha1')
    .update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
    + `Sec-WebSocket-Accept: ${accept}\r\n\r\n`);
  let buffer = Buffer.alloc(0);
  socket.on('data', (data) => {
    buffer = Buffer.concat([buffer, data]);
    while (buffer.length >= 2) {
      const opcode = buffer[0] & 0x0f;
      let length = buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (buffer.length < 4) return;
        length = buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (buffer.length < 10) return;
        length = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      const masked = (buffer[1] & 0x80) !== 0;
      const maskAt = offset;
      if (masked) offset += 4;
      if (buffer.length < offset + length) return;
      const payload = Buffer.from(buffer.subarray(offset, offset + length));
      if (masked) for (let i = 0; i < length; i++) payload[i] ^= buffer[maskAt + (i % 4)];
      buffer = buffer.subarray(offset + length);
      if (opcode === 8) { socket.end(frame(8, payload.subarray(0, 2))); return; }
      if (opcode === 1) socket.write(frame(1, Buffer.from('echo: ' + payload.toString())));
      if (opcode === 9) socket.write(frame(10, payload));
    }
  });
  socket.on('error', () => {});
});

server.listen(8080, '0.0.0.0');
