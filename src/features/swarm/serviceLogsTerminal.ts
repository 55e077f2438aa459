import { Writable } from 'node:stream';
import { parseServiceLogLine, serviceLogPrefix } from '../../core/cluster/serviceLogLines';
import { LineBuffer } from '../../core/text/lineBuffer';
import type { SwarmService as SwarmServiceModel } from '../../core/cluster/swarmSnapshot';
import { SwarmService } from '../../model/swarm/swarmService';
import { FollowingTerminal, streamEnded } from '../../editor/followingTerminal';
import { Utf8Chunks } from '../../core/text/utf8Chunks';

/** A stable colour per task, so interleaved lines stay easy to follow. */
const PREFIX_COLORS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m', '\x1b[96m'];

/**
 * A terminal following a service's logs merged from all its tasks, on
 * whichever nodes they run, each line prefixed `task@node |` like the CLI.
 * The names come from the swarm snapshot at the time each line arrives.
 */
export class ServiceLogsTerminal extends FollowingTerminal {
  private readonly colors = new Map<string, string>();

  constructor(
    private readonly swarm: SwarmService,
    private readonly service: SwarmServiceModel,
  ) {
    super();
  }

  protected async follow(signal: AbortSignal): Promise<void> {
    try {
      const stream = await this.swarm.serviceLogs(this.service.id, 200, signal);
      const engine = await this.swarm.manager();
      await engine.demux(stream, this.sink(false), this.sink(true));
      await streamEnded(stream);
      this.writeEnded(this.service.name);
    } catch (error) {
      this.writeError(error instanceof Error ? error.message : String(error));
    }
  }

  private sink(stderr: boolean): Writable {
    const lines = new LineBuffer();
    const chunks = new Utf8Chunks();
    return new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        lines.push(chunks.push(chunk)).forEach((l) => this.writeLine(l, stderr));
        cb();
      },
      final: (cb) => {
        lines.push(chunks.end()).forEach((l) => this.writeLine(l, stderr));
        lines.end().forEach((l) => this.writeLine(l, stderr));
        cb();
      },
    });
  }

  private writeLine(raw: string, stderr: boolean): void {
    const line = parseServiceLogLine(raw);
    const current = this.swarm.snapshot?.services.concat(this.swarm.snapshot.stacks.flatMap((s) => s.services));
    const service = current?.find((s) => s.id === this.service.id) ?? this.service;
    const nodes = new Map((this.swarm.snapshot?.nodes ?? []).map((n) => [n.id, n.hostname]));
    const prefix = serviceLogPrefix(line, service, nodes);
    let color = this.colors.get(prefix);
    if (!color) {
      color = PREFIX_COLORS[this.colors.size % PREFIX_COLORS.length];
      this.colors.set(prefix, color);
    }
    const message = stderr ? `\x1b[31m${line.message}\x1b[0m` : line.message;
    this.write(`${color}${prefix}\x1b[0m | ${message}\r\n`);
  }
}
