// A TCP server that answers every Postgres connection the way a Postgres still replaying its WAL does:
// an ErrorResponse FATAL 57P03 "the database system is starting up", then it closes the socket.
import net from 'node:net';

function errorResponse(fields: Record<string, string>): Buffer {
  const body = Buffer.concat([
    ...Object.entries(fields).map(([k, v]) => Buffer.from(`${k}${v}\0`, 'utf8')),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(5);
  header.write('E', 0, 'ascii');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

export interface FakePostgres {
  url: string;
  connections: () => number;
  close: () => Promise<void>;
}

export async function startFakePostgresStartingUp(): Promise<FakePostgres> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    // The startup packet (or an SSLRequest, refused with 'N' as a server without TLS does) comes first.
    socket.once('data', (packet) => {
      if (packet.length >= 8 && packet.readInt32BE(4) === 80877103) socket.write('N');
      socket.end(
        errorResponse({ S: 'FATAL', V: 'FATAL', C: '57P03', M: 'the database system is starting up' }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/streamrank`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
