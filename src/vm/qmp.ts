import * as net from 'node:net';

/**
 * Sends one command over QEMU's QMP socket (JSON lines): the greeting,
 * qmp_capabilities (QMP refuses anything before it), then the command.
 * Resolves once QEMU acknowledged it, or rejects within timeoutMs: a stuck
 * or gone VM must not hold a stop() forever, the caller falls back to signals.
 */
export function qmpCommand(socketPath: string, command: string, timeoutMs = 3_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(socketPath);
    let buffered = '';
    let step: 'greeting' | 'capabilities' | 'command' = 'greeting';
    const done = (error?: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      if (error) {
        reject(error);
      } else {
        resolve();
      }
    };
    const timer = setTimeout(() => done(new Error(`QMP ${command}: no answer in ${timeoutMs} ms`)), timeoutMs);
    socket.on('error', (error) => done(error));
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line === '') {
          continue;
        }
        const message = JSON.parse(line) as { QMP?: unknown; return?: unknown; error?: { desc?: string } };
        if (message.error) {
          done(new Error(`QMP ${command}: ${message.error.desc ?? 'error'}`));
          return;
        }
        if (step === 'greeting' && message.QMP) {
          step = 'capabilities';
          socket.write(JSON.stringify({ execute: 'qmp_capabilities' }) + '\n');
        } else if (step === 'capabilities' && 'return' in message) {
          step = 'command';
          socket.write(JSON.stringify({ execute: command }) + '\n');
        } else if (step === 'command' && 'return' in message) {
          done();
          return;
        }
        // Anything else is an asynchronous event (SHUTDOWN, POWERDOWN…): not an answer.
      }
    });
  });
}
