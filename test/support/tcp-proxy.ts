/** A TCP proxy a test can cut and restore, to take a real service "down" for one client only. */
import net from 'node:net';

export async function startTcpProxy(target: { host: string; port: number }, listenPort = 0) {
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = listenPort;

  const open = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as net.AddressInfo).port;
        resolve();
      });
    });

  await open();
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    /** Refuses new connections and drops open ones. */
    async cut() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = undefined;
    },
    /** Accepts connections again on the same port. */
    restore: open,
    close() {
      for (const s of sockets) s.destroy();
      server?.close();
    },
  };
}
