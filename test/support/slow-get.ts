import http from 'node:http';

/**
 * GET on a fresh connection with a reader that stops for `pauseMs` after every `everyBytes`
 * received, so the server's writes meet a full socket (backpressure). Resolves with the body.
 */
export function slowGet(url: string, pauseMs: number, everyBytes = 256 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        let nextPause = 0;
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          bytes += c.length;
          if (bytes >= nextPause) {
            nextPause = bytes + everyBytes;
            res.pause();
            setTimeout(() => res.resume(), pauseMs);
          }
        });
        res.on('end', () => resolve(Buffer.concat(chunks)));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}
